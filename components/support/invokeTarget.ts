import type * as pulumi from "@pulumi/pulumi";

/** What an event source invokes: the alias when versioning is on, else the function. */
export interface InvokeTarget {
  functionName: pulumi.Output<string>;
  /** Alias name, or undefined for the unqualified function. */
  qualifier?: pulumi.Output<string>;
  arn: pulumi.Output<string>;
}

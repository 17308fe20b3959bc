import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StageName } from "../contract/dataLayout";
import type { OperatorQuery } from "./support/operatorQueries";

export interface SavedLogQueriesArgs {
  /** The folder the queries appear under in the Logs Insights console: `<folder>/<query id>`. */
  folder: string;
  /** Each function's log group. */
  logGroupNames: Record<StageName, pulumi.Input<string>>;
  queries: readonly OperatorQuery[];
}

/**
 * The runbook's Logs Insights queries as saved query definitions, each bound to the log groups it
 * reads, so an operator opens them from the console instead of pasting them.
 */
export class SavedLogQueries extends pulumi.ComponentResource {
  readonly queryNames: string[];

  constructor(name: string, args: SavedLogQueriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:monitoring:SavedLogQueries", name, {}, opts);
    const ids = args.queries.map((query) => query.id);
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (repeated.length > 0) throw new Error(`SavedLogQueries ${name}: query ids must be unique, ${repeated.join(", ")} repeat`);
    const stages = Object.keys(args.logGroupNames) as StageName[];
    for (const query of args.queries) {
      if (query.scope !== "all" && !stages.includes(query.scope)) {
        throw new Error(`SavedLogQueries ${name}: query ${query.id} reads the ${query.scope} log group, which is not among ${stages.join(", ")}`);
      }
    }

    this.queryNames = args.queries.map((query) => `${args.folder}/${query.id}`);
    for (const query of args.queries) {
      new aws.cloudwatch.QueryDefinition(
        `${name}-${query.id}`,
        {
          name: `${args.folder}/${query.id}`,
          queryString: query.queryString,
          logGroupNames: query.scope === "all" ? stages.map((stage) => args.logGroupNames[stage]) : [args.logGroupNames[query.scope]],
        },
        { parent: this },
      );
    }
    this.registerOutputs({ queryNames: this.queryNames });
  }
}

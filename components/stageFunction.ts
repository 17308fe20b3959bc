import type * as aws from "@pulumi/aws";
import type { PipelineFunctionArgs } from "./pipelineFunction";

/** A stage's code as the program hands it over: components never import handlers. */
export interface StageHandler {
  /** The handler module's `…HandlerFromEnvironment`: runs once per container, returns the handler. */
  callbackFactory: aws.lambda.CallbackFactory<any, any>;
  /** npm packages (from package.json `dependencies`) the handler loads at run time. */
  runtimePackages: string[];
  /** Packages the handler loads only when the stack instruments tracing (TRACING_INSTRUMENTATION). */
  tracingPackages?: string[];
}

/**
 * Everything about a stage's function that the stage itself does not decide: sizing, runtime,
 * encryption, tracing, versioning, alarms and the environment every stage shares. The stage adds
 * its description, its permissions (the services that use the key among them), its own
 * environment and its trigger.
 */
export type StageFunctionArgs = Omit<
  PipelineFunctionArgs,
  "description" | "callbackFactory" | "runtimePackages" | "statements" | "keyUse"
> & { handler: StageHandler };

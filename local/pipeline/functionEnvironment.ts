/**
 * A function's environment as Lambda assembles it: the variables its resource declares, then the
 * runtime's own (region, function name, memory, version, log group, handler, task root, module
 * path, log format and level, X-Ray daemon), then what points the SDK at the stand-ins
 * (AWS_ENDPOINT_URL_<SERVICE>) and the function's own credentials. Declared values that name a
 * resource the stand-ins call differently (a topic's or secret's ARN, the OpenSky URLs in the
 * stand-in run) are translated.
 *
 * Traces: with a daemon stand-in collecting them, the function gets its address as Lambda gives
 * it; without one, Powertools Tracer is switched off through its own setting
 * (POWERTOOLS_TRACE_ENABLED), so a container neither loads it nor records what nobody collects.
 */
import * as path from "path";
import type { DeclaredFunction } from "./topology";

export interface EnvironmentInputs {
  region: string;
  nodeBinary: string;
  taskRoot: string;
  sdkModulePath: string;
  /** Endpoints of the running stand-ins, and the function's credentials. */
  awsEnvironment: Record<string, string>;
  /** Declared value → value in the local run. */
  translation: ReadonlyMap<string, string>;
  /** The X-Ray daemon stand-in's address, when the run collects traces. */
  xrayDaemonAddress?: string;
}

export function lambdaEnvironment(declared: DeclaredFunction, inputs: EnvironmentInputs): Record<string, string> {
  const own = Object.fromEntries(Object.entries(declared.pkg.environment).map(([name, value]) => [name, inputs.translation.get(value) ?? value]));
  return {
    ...own,
    PATH: [path.dirname(inputs.nodeBinary), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    _HANDLER: declared.pkg.handler,
    LAMBDA_TASK_ROOT: inputs.taskRoot,
    // Lambda's NODE_PATH ends with the runtime's bundled SDK and the task root.
    NODE_PATH: [inputs.sdkModulePath, inputs.taskRoot].join(path.delimiter),
    AWS_EXECUTION_ENV: `AWS_Lambda_${declared.pkg.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: declared.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(declared.pkg.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: declared.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${declared.stage}`,
    ...(declared.logging.format === "JSON"
      ? { AWS_LAMBDA_LOG_FORMAT: "JSON", ...(declared.logging.applicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: declared.logging.applicationLogLevel } : {}) }
      : {}),
    ...(inputs.xrayDaemonAddress !== undefined && declared.tracingActive
      ? { AWS_XRAY_DAEMON_ADDRESS: inputs.xrayDaemonAddress, AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR" }
      : { POWERTOOLS_TRACE_ENABLED: "false" }),
    AWS_DEFAULT_REGION: inputs.region,
    ...inputs.awsEnvironment,
    AWS_REGION: inputs.region,
  };
}

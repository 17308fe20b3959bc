/**
 * What the Lambda service does with a function's role around each invocation, as the local
 * harness does it in its place:
 *
 * - A cold start decrypts the environment variables with the function's key. Lambda does this
 *   through a grant it created for the execution role (see stackAccess.ts), so the role's policies
 *   need no statement for it. KMS sees kms:ViaService lambda.<region>.amazonaws.com.
 * - A cold start creates the container's log stream in the function's log group, and every
 *   invocation writes its log events there (logs:CreateLogStream, logs:PutLogEvents with the
 *   role: the permissions AWSLambdaBasicExecutionRole grants).
 *
 * Failure records sent to the on-failure destination go through the SQS stand-in with the
 * function's keys (local/pipeline/localPipeline.ts), so observedCalls.ts sees them as requests.
 * X-Ray segments and the Lambda Insights extension's log events are also written with the role;
 * the harness runs neither, so their statements carry a reason instead (components/pipelineFunction.ts).
 */
import type { AttemptReport } from "../../local/pipeline/asyncInvoker";
import { baseContext, kmsOnBehalf, type ObservedCall } from "./observedCalls";
import type { FunctionAccess, StackAccess } from "./stackAccess";

export function platformCalls(access: StackAccess, attempt: AttemptReport, containerNumber: number): ObservedCall[] {
  const fn = Object.values(access.functions).find((candidate) => candidate.functionName === attempt.functionName);
  if (fn === undefined) throw new Error(`an attempt of ${attempt.functionName}, which stack ${access.stack} does not declare`);
  const coldStart = attempt.result.initMs !== undefined;
  const stream = logStreamArn(access, fn, containerNumber);
  const logs = (action: "logs:CreateLogStream" | "logs:PutLogEvents", operation: string): ObservedCall => ({
    stage: fn.stage,
    operation,
    origin: "platform",
    request: { principal: fn.principal, action, resource: stream, context: baseContext(access, fn) },
  });
  const calls: ObservedCall[] = [];
  if (coldStart) {
    if (fn.environmentKeyArn !== undefined) {
      calls.push(
        kmsOnBehalf(
          access,
          fn,
          "kms:Decrypt",
          fn.environmentKeyArn,
          "lambda",
          { "aws:lambda:FunctionArn": fn.functionArn },
          "Lambda cold start: environment",
          "platform",
        ),
      );
    }
    calls.push(logs("logs:CreateLogStream", "Lambda cold start: log stream"));
  }
  calls.push(logs("logs:PutLogEvents", "Lambda invocation: log events"));
  return calls;
}

function logStreamArn(access: StackAccess, fn: FunctionAccess, containerNumber: number): string {
  return `arn:aws:logs:${access.region}:${access.account}:log-group:${fn.logGroup}:log-stream:local/[$LATEST]container-${containerNumber}`;
}

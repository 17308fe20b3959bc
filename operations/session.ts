/**
 * Connects an operator tool to a stack's pipeline: the deployed one (its Pulumi outputs, the AWS
 * SDK's credentials), or with `local` the local pipeline's stand-ins loaded with what the last
 * `npm start` left in .local/<stack>/, written back when the tool closes the session.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_LOCAL_ROOT, startLocalPipeline } from "../local/pipeline/localPipeline";
import { awsPipelineAccess } from "./awsPipelineAccess";
import { localPipelineAccess, localPipelineTarget } from "./localPipelineAccess";
import { restoreLocalState, saveLocalState } from "./localState";
import type { PipelineAccess } from "./pipelineAccess";
import { type PipelineTarget, readOutputsFile, readStackOutputs, targetFromOutputs } from "./stackOutputs";

export interface SessionOptions {
  stack: string;
  local: boolean;
  /** With `local`: where the local run keeps its state; <project>/.local by default. */
  localRoot?: string;
  /** `pulumi stack output --json` saved in a file, instead of running the CLI. */
  outputsFile?: string;
  region?: string;
}

export interface Session {
  target: PipelineTarget;
  access: PipelineAccess;
  /** One line saying what the tool is working on. */
  description: string;
  close(): Promise<void>;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  if (options.local) return openLocalSession(options);
  const outputs = options.outputsFile === undefined ? readStackOutputs(options.stack) : readOutputsFile(options.outputsFile);
  const source = options.outputsFile ?? `stack ${options.stack}`;
  const target = targetFromOutputs(options.stack, outputs, source, options.region);
  const { access, close } = awsPipelineAccess(target);
  return {
    target,
    access,
    description: `stack ${options.stack} in ${target.region} (outputs from ${options.outputsFile ?? "pulumi stack output"})`,
    close: async () => close(),
  };
}

async function openLocalSession(options: SessionOptions): Promise<Session> {
  const localRoot = options.localRoot ?? DEFAULT_LOCAL_ROOT;
  const logDir = path.join(localRoot, options.stack, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const pipeline = await startLocalPipeline({
    stack: options.stack,
    openSky: "stand-in",
    localRoot,
    // The functions' lines go where npm start keeps them, after the last run's.
    onLog: (functionName, line) => fs.appendFileSync(path.join(logDir, `${functionName}.log`), `${line}\n`),
  });
  try {
    const target = localPipelineTarget(pipeline);
    const restored = await restoreLocalState(pipeline, target);
    return {
      target,
      access: localPipelineAccess(pipeline),
      description:
        `the local ${options.stack} pipeline (stand-ins on 127.0.0.1) loaded from ${path.relative(process.cwd(), pipeline.stackDir) || "."}/: ` +
        `${restored.objects} objects, ${restored.trackingItems} tracking items, ${restored.deadLetters} dead letters`,
      async close() {
        try {
          await saveLocalState(pipeline, target);
        } finally {
          await pipeline.stop();
        }
      },
    };
  } catch (error) {
    await pipeline.stop();
    throw error;
  }
}

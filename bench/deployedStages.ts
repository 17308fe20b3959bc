/**
 * The processing, validation and compaction stages as Lambda runs them. aws.lambda.CallbackFunction does not
 * upload the handlers' modules: Pulumi serializes the functions they reach into one file, where
 * each module-level function is rebuilt on every call inside a `with` scope. The same code can run
 * many times slower there than from its module, so the bench times the serialized form: each stage
 * factory goes through pulumi.runtime.serializeFunction, as the program's does, into a file the
 * case process requires.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { genericCompactionStage, pipelineCompactionStage } from "./compaction/compactionStages";
import { genericWriterProcessingStage } from "./converters/genericWriter";
import { pipelineProcessingStage } from "./converters/pipeline";
import { validationStage } from "./validationRun";

export interface DeployedStages {
  processing: string;
  genericProcessing: string;
  validation: string;
  compaction: string;
  genericCompaction: string;
}

/**
 * Inside the project, so the serialized code finds hyparquet and hyparquet-writer in its
 * node_modules as the function package does; .local is ignored by git and the type check.
 */
const STAGE_DIR = path.resolve(__dirname, "..", ".local", "bench-stages");

async function writeStage(name: string, factory: () => unknown): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(factory, { isFactoryFunction: true });
  const file = path.join(STAGE_DIR, `${name}.js`);
  fs.writeFileSync(file, `${serialized.text}\nmodule.exports.stage = exports.${serialized.exportName};\n`);
  return file;
}

export async function serializeDeployedStages(): Promise<DeployedStages> {
  fs.mkdirSync(STAGE_DIR, { recursive: true });
  return {
    processing: await writeStage("processing", pipelineProcessingStage),
    genericProcessing: await writeStage("generic-processing", genericWriterProcessingStage),
    validation: await writeStage("validation", validationStage),
    compaction: await writeStage("compaction", pipelineCompactionStage),
    genericCompaction: await writeStage("generic-compaction", genericCompactionStage),
  };
}

/** The stage function a serialized file exports. */
export function loadDeployedStage<T>(file: string): T {
  const loaded = require(file) as { stage?: T };
  if (loaded.stage === undefined) throw new Error(`${file} exports no stage`);
  return loaded.stage;
}

import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceSnapshot } from "../../policies/offline/engineArgs";

/**
 * Starts policies/index.ts as its own process, as the Pulumi CLI does (the pack prints the port of
 * its analyzer gRPC server), and speaks the analyzer protocol to it the way the engine does. The
 * CLI type-checks the pack while loading it (which takes half a minute); here it is transpiled
 * only, and `npm --prefix policies run typecheck` does the type check.
 */

const POLICIES_DIR = path.resolve(__dirname, "../../policies");

/** A diagnostic the pack returned, in the offline check's terms. */
export interface EngineDiagnostic {
  policyName: string;
  enforcementLevel: "advisory" | "mandatory";
  urn: string;
  message: string;
}

export class PackServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: AnalyzerClient,
  ) {}

  static start(): Promise<PackServer> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: POLICIES_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${stderr}`)));
      child.stdout?.once("data", (chunk: Buffer) => {
        const port = Number.parseInt(chunk.toString(), 10);
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        resolve(new PackServer(child, client));
      });
    });
  }

  stop(): void {
    this.client.close();
    this.child.removeAllListeners("exit");
    this.child.kill();
  }

  info(): Promise<analyzer.AnalyzerInfo> {
    return new Promise((resolve, reject) => this.client.getAnalyzerInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response))));
  }

  /** What `pulumi preview` asks for each resource, with the resource's inputs. */
  async analyze(resource: ResourceSnapshot): Promise<EngineDiagnostic[]> {
    const request = new analyzer.AnalyzeRequest()
      .setType(resource.type)
      .setUrn(resource.urn)
      .setName(resource.name)
      .setProperties(toStruct(resource.inputs))
      .setOptions(options(resource));
    const response = await new Promise<analyzer.AnalyzeResponse>((resolve, reject) =>
      this.client.analyze(request, (error, reply) => (error ? reject(error) : resolve(reply))),
    );
    return diagnostics(response, resource.urn);
  }

  /** What `pulumi preview` asks once for the whole stack, with every resource's outputs. */
  async analyzeStack(resources: readonly ResourceSnapshot[]): Promise<EngineDiagnostic[]> {
    const request = new analyzer.AnalyzeStackRequest().setResourcesList(
      resources.map((resource) =>
        new analyzer.AnalyzerResource()
          .setType(resource.type)
          .setUrn(resource.urn)
          .setName(resource.name)
          .setProperties(toStruct(resource.outputs ?? resource.inputs))
          .setOptions(options(resource))
          .setParent(resource.parent ?? "")
          .setDependenciesList([...(resource.dependencies ?? [])]),
      ),
    );
    const response = await new Promise<analyzer.AnalyzeResponse>((resolve, reject) =>
      this.client.analyzeStack(request, (error, reply) => (error ? reject(error) : resolve(reply))),
    );
    return diagnostics(response, "");
  }
}

function options(resource: ResourceSnapshot): analyzer.AnalyzerResourceOptions {
  return new analyzer.AnalyzerResourceOptions().setParent(resource.parent ?? "");
}

/** The engine sends plain JSON: assets (function code) travel as signature objects no rule reads, so they are left out. */
function toStruct(properties: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(properties)));
}

function diagnostics(response: analyzer.AnalyzeResponse, urn: string): EngineDiagnostic[] {
  return response.getDiagnosticsList().map((diagnostic) => ({
    policyName: diagnostic.getPolicyname(),
    enforcementLevel: diagnostic.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
    urn: diagnostic.getUrn() || urn,
    // The engine prefixes the rule's description; the offline check reports the message alone.
    message: diagnostic.getMessage().replace(`${diagnostic.getDescription()}\n`, ""),
  }));
}

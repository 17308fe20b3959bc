import { expect } from "chai";
import type { MockedProgram, MockedResource } from "../../mocked-program/mockedProgram";

/** Reads the mocked resource graph the way the tests ask about it. */
export class ProgramQueries {
  constructor(readonly program: MockedProgram) {}

  ofType(type: string): MockedResource[] {
    return this.program.resources.filter((r) => r.type === type);
  }

  one(type: string, nameContains = ""): MockedResource {
    const found = this.ofType(type).filter((r) => r.name.includes(nameContains));
    expect(found, `one ${type} named *${nameContains}*`).to.have.length(1);
    return found[0];
  }

  byUrn(urn: string): MockedResource {
    const found = this.program.resources.find((r) => r.urn === urn);
    if (!found) throw new Error(`no resource ${urn}`);
    return found;
  }

  /** Resources whose parent chain passes through the given component. */
  within(component: MockedResource): MockedResource[] {
    return this.program.resources.filter((r) => {
      for (let p = r.parent; p; p = this.byUrn(p).parent) if (p === component.urn) return true;
      return false;
    });
  }

  /** The function resource of a stage (ingestion, processing, validation). */
  fn(stage: string): MockedResource {
    return this.one("aws:lambda/function:Function", `-${stage}`);
  }

  /** The resource of a type inside the PipelineFunction of a stage. */
  inStage(stage: string, type: string): MockedResource[] {
    const component = this.program.resources.find((r) => r.type === "flightdata:compute:PipelineFunction" && r.name.endsWith(`-${stage}`));
    if (!component) throw new Error(`no PipelineFunction for ${stage}`);
    return this.within(component).filter((r) => r.type === type);
  }

  stateOf(type: string, nameContains: string): Record<string, any> {
    return this.one(type, nameContains).state;
  }
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: any;
  Condition?: Record<string, Record<string, unknown>>;
}

export function statements(policy: string | object): Statement[] {
  const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  return doc.Statement;
}

export function actions(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

export function resources(s: Statement): string[] {
  return Array.isArray(s.Resource) ? s.Resource : [s.Resource];
}

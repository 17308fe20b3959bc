import { expect } from "chai";
import { createTrackingTable, startEmulators, type RunningEmulators } from "../../../emulators";
import {
  createCircuitBreaker,
  INITIAL_BREAKER_STATE,
  nextBreakerState,
  RECENT_SNAPSHOTS_KEPT,
  type BreakerAction,
  type BreakerState,
} from "../../../handlers/validation/circuitBreaker";

/** Runs outcomes through the pure transition and returns the actions taken. */
function actionsFor(outcomes: boolean[], threshold: number): BreakerAction[] {
  let state: BreakerState = INITIAL_BREAKER_STATE;
  return outcomes.map((failed, index) => {
    const transition = nextBreakerState(state, String(1000 + index), failed, threshold);
    state = transition.next;
    return transition.action;
  });
}

describe("circuit breaker", () => {
  describe("transitions", () => {
    it("alerts per failing snapshot until the threshold, then opens once and stays quiet until a pass closes it", () => {
      const F = true;
      const P = false;
      expect(actionsFor([F, F, F, F, F, P, P, F], 3)).to.deep.equal(["alert", "alert", "open", "suppressed", "suppressed", "close", "none", "alert"]);
    });

    it("resets the count on a pass while closed", () => {
      expect(actionsFor([true, true, false, true, true, true], 3)).to.deep.equal(["alert", "alert", "none", "alert", "alert", "open"]);
    });

    it("opens on the first failure with a threshold of 1", () => {
      expect(actionsFor([true, true, false], 1)).to.deep.equal(["open", "suppressed", "close"]);
    });

    it("does not count a snapshot twice, and forgets it only after many newer ones", () => {
      const first = nextBreakerState(INITIAL_BREAKER_STATE, "1000", true, 3);
      const again = nextBreakerState(first.next, "1000", true, 3);
      expect(again.action).to.equal("repeat");
      expect(again.next).to.equal(first.next);
      let state = first.next;
      for (let i = 1; i <= RECENT_SNAPSHOTS_KEPT; i++) state = nextBreakerState(state, String(1000 + i), false, 3).next;
      expect(state.recentSnapshots).to.have.length(RECENT_SNAPSHOTS_KEPT);
      expect(nextBreakerState(state, "1000", true, 3).action).to.equal("alert");
    });
  });

  describe("state in the tracking table (dynalite)", () => {
    let emulators: RunningEmulators<"dynamodb">;
    let table = 0;
    const newBreaker = async (threshold: number) => {
      const tableName = `breaker-${++table}`;
      await createTrackingTable(emulators.clients.dynamodb, tableName);
      return createCircuitBreaker({ dynamodb: emulators.clients.dynamodb, tableName, threshold });
    };

    before(async () => {
      emulators = await startEmulators({ services: ["dynamodb"] });
    });
    after(() => emulators.stop());

    it("keeps the state between invocations", async () => {
      const breaker = await newBreaker(2);
      expect((await breaker.record("1", true)).action).to.equal("alert");
      expect((await breaker.record("2", true)).action).to.equal("open");
      expect(await breaker.read()).to.deep.include({ status: "open", consecutiveFailures: 2, version: 2 });
      expect((await breaker.record("2", true)).action).to.equal("repeat");
      expect((await breaker.record("3", false)).action).to.equal("close");
    });

    it("lets exactly one of many concurrent failing snapshots open the circuit", async () => {
      const breaker = await newBreaker(3);
      await breaker.record("1", true);
      await breaker.record("2", true);
      const actions = (await Promise.all(["3", "4", "5", "6", "7", "8"].map((id) => breaker.record(id, true)))).map((t) => t.action);
      expect(actions.filter((action) => action === "open")).to.have.length(1);
      expect(actions.filter((action) => action === "suppressed")).to.have.length(5);
      expect(await breaker.read()).to.deep.include({ status: "open", consecutiveFailures: 8 });
    });

    it("undoes a step so a retry takes it again", async () => {
      const breaker = await newBreaker(1);
      const opened = await breaker.record("1", true);
      expect(opened.action).to.equal("open");
      expect(await breaker.undo(opened)).to.equal(true);
      expect(await breaker.read()).to.deep.include({ status: "closed", consecutiveFailures: 0, recentSnapshots: [] });
      expect((await breaker.record("1", true)).action).to.equal("open");
    });

    it("does not undo a step another invocation has built on", async () => {
      const breaker = await newBreaker(5);
      const first = await breaker.record("1", true);
      await breaker.record("2", true);
      expect(await breaker.undo(first)).to.equal(false);
      expect(await breaker.read()).to.deep.include({ consecutiveFailures: 2 });
    });
  });
});

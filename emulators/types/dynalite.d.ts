/** The part of dynalite 4's API the DynamoDB emulator uses; the package ships no types. */
declare module "dynalite" {
  import type { Server } from "http";

  interface DynaliteOptions {
    /** Milliseconds a table stays CREATING. */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

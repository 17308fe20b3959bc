/** The `/states/all` request the stack's settings ask for. */
import type { BoundingBox } from "../shared/settings";

export interface StatesQuery {
  boundingBox?: BoundingBox;
  /** Adds `extended=1`, which makes the API send the category column. */
  extended: boolean;
}

export function buildStatesUrl(apiUrl: string, query: StatesQuery): URL {
  const url = new URL(`${apiUrl.replace(/\/+$/, "")}/states/all`);
  if (query.boundingBox) {
    const { lamin, lomin, lamax, lomax } = query.boundingBox;
    url.searchParams.set("lamin", String(lamin));
    url.searchParams.set("lomin", String(lomin));
    url.searchParams.set("lamax", String(lamax));
    url.searchParams.set("lomax", String(lomax));
  }
  if (query.extended) url.searchParams.set("extended", "1");
  return url;
}

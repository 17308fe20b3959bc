/**
 * Gradual deployment on the `live` alias. Lambda can split an alias's traffic between its
 * version and one more; that needs two published versions, which the first deployment does not
 * have. So: the version the alias served before this deployment stays primary and the version
 * just published gets `weight` of the traffic. A weight of 1 promotes the newest version outright.
 */
export interface AliasRouting {
  functionVersion: string;
  additionalVersionWeights?: Record<string, number>;
}

/**
 * @param previousVersion the version the alias pointed at before this deployment; undefined on
 *   the first deployment (no alias yet)
 * @param newVersion the version this deployment published
 * @param weight the share of traffic for the new version, in (0, 1]
 */
export function aliasRouting(previousVersion: string | undefined, newVersion: string, weight: number): AliasRouting {
  if (!(weight > 0 && weight <= 1)) {
    throw new Error(`gradual deployment weight must be in (0, 1], got ${weight}`);
  }
  if (previousVersion === undefined || previousVersion === newVersion || previousVersion === "$LATEST" || weight === 1) {
    return { functionVersion: newVersion };
  }
  return { functionVersion: previousVersion, additionalVersionWeights: { [newVersion]: weight } };
}

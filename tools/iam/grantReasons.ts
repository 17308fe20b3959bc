/** Every reason the components give for grants the local run cannot exercise, by statement Sid. */
import { PLATFORM_GRANT_REASONS } from "../../components/pipelineFunction";

export const GRANT_REASONS: Readonly<Record<string, string>> = { ...PLATFORM_GRANT_REASONS };

/** fast-check arbitraries for raw snapshots that typing accepts, shared by the Parquet tests. */
import fc from "fast-check";
import { MAX_ABS_TIMESTAMP_SECONDS } from "../../handlers/shared/columns";
import type { RawSnapshot } from "../../handlers/shared/stateVector";

const nullable = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arbitrary, { nil: null });
const text = fc.string({ unit: "grapheme", maxLength: 12 });
/** Includes lone surrogates, which are written as U+FFFD and sort as it. */
const anyText = fc.oneof(text, fc.string({ unit: "binary", maxLength: 6 }));
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800 }),
  fc.double({ min: -MAX_ABS_TIMESTAMP_SECONDS, max: MAX_ABS_TIMESTAMP_SECONDS, noNaN: true }),
);

interface FieldValues {
  text: fc.Arbitrary<string>;
  finite: fc.Arbitrary<number>;
  int32: fc.Arbitrary<number>;
  timestamp: fc.Arbitrary<number>;
}

/** A row the API could send that typing accepts: every type, null wherever allowed, 17 or 18 fields. */
function rowOf(values: FieldValues): fc.Arbitrary<unknown[]> {
  const { text, finite, int32, timestamp } = values;
  return fc
    .tuple(
      fc.tuple(text, nullable(text), nullable(text), nullable(timestamp), timestamp, nullable(finite), nullable(finite)),
      fc.tuple(nullable(finite), fc.boolean(), nullable(finite), nullable(finite), nullable(finite)),
      fc.tuple(nullable(fc.array(fc.integer(), { maxLength: 3 })), nullable(finite), nullable(text), fc.boolean(), int32),
      fc.option(nullable(int32), { nil: undefined }),
    )
    .map(([first, second, third, category]) => {
      const fields: unknown[] = [...first, ...second, ...third];
      return category === undefined ? fields : [...fields, category];
    });
}

const snapshotTime = fc.integer({ min: 0, max: 4_102_444_800 });

/** Any values at all: mostly distinct, so the writer's columns stay PLAIN. Well-formed text only, so it reads back unchanged. */
export const rawSnapshot: fc.Arbitrary<RawSnapshot> = fc.record({
  time: snapshotTime,
  states: fc.oneof(fc.constant(null), fc.array(rowOf({ text, finite, int32, timestamp }), { maxLength: 40 })),
});

/**
 * Values drawn from a few per snapshot, so columns repeat the way real ones do and the writer
 * weighs (and often takes) a dictionary; enough rows for several pages of indexes and runs.
 */
export const repetitiveSnapshot: fc.Arbitrary<RawSnapshot> = fc
  .record({
    text: fc.array(anyText, { minLength: 1, maxLength: 6 }),
    finite: fc.array(finite, { minLength: 1, maxLength: 40 }),
    int32: fc.array(int32, { minLength: 1, maxLength: 20 }),
    timestamp: fc.array(timestamp, { minLength: 1, maxLength: 300 }),
  })
  .chain((pools) =>
    fc.record({
      time: snapshotTime,
      states: fc.array(
        rowOf({
          text: fc.constantFrom(...pools.text),
          finite: fc.constantFrom(...pools.finite),
          int32: fc.constantFrom(...pools.int32),
          timestamp: fc.constantFrom(...pools.timestamp),
        }),
        { maxLength: 400 },
      ),
    }),
  );

/**
 * Projection of a day's total, so a rise is seen before the threshold is crossed. Two estimates, the higher wins
 * (an early warning costs a mail; a late one costs staff who are not there):
 *  - the day so far against the usual hourly profile: count / share of a usual day already elapsed;
 *  - the recent pace: the last hours' count, scaled by their usual share, carried over the rest of the day.
 */

/** Shares of a day's requests per local hour (sum 1) from weights or counts. */
export function normaliseProfile(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return weights.map(() => 1 / 24);
  return weights.map((w) => w / total);
}

/** Share of a usual day elapsed at hour:minute (local), counting the current hour pro rata. */
export function elapsedShare(profile: number[], hour: number, minute: number): number {
  let share = 0;
  for (let h = 0; h < hour; h++) share += profile[h];
  return share + (profile[hour] * minute) / 60;
}

/** Usual share of the `hours` hours before hour:minute (within the same day). */
export function recentShare(profile: number[], hour: number, minute: number, hours: number): number {
  const end = elapsedShare(profile, hour, minute);
  const startMinute = Math.max(0, hour * 60 + minute - hours * 60);
  return end - elapsedShare(profile, Math.floor(startMinute / 60), startMinute % 60);
}

export interface ProjectionInput {
  /** Requests so far today. */
  countDay: number;
  /** Requests in the last `recentHours` hours (today only). */
  countRecent: number;
  profile: number[];
  hour: number;
  minute: number;
  recentHours: number;
  minElapsedShare: number;
  minRecent: number;
}

/** The projected total of the day, or undefined when too little of the day has passed to say. */
export function projectDay(input: ProjectionInput): number | undefined {
  const elapsed = elapsedShare(input.profile, input.hour, input.minute);
  if (elapsed >= 1) return input.countDay;
  const estimates: number[] = [];
  if (elapsed >= input.minElapsedShare && elapsed > 0) estimates.push(input.countDay / elapsed);
  const recent = recentShare(input.profile, input.hour, input.minute, input.recentHours);
  if (input.countRecent >= input.minRecent && recent > 0.01) estimates.push(input.countDay + (input.countRecent / recent) * (1 - elapsed));
  if (!estimates.length) return undefined;
  return Math.max(input.countDay, Math.round(Math.max(...estimates)));
}

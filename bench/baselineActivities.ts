/** The baseline workflow's activities: they do nothing, so that only Temporal's own cost remains. */
export function createBaselineActivities() {
  return {
    async noop(_what: string): Promise<void> {},
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;

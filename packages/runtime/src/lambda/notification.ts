// PLACEHOLDER written by the infra helper so the CDK app can bundle this entry; the lead replaces it.
export const handler = async (event: unknown): Promise<unknown> => {
  throw new Error('notification Lambda entry not implemented yet: ' + typeof event);
};

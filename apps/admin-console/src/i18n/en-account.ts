/** Texts of the account pages: sign-up, email links, invitation landing, profile. */
export const enAccount = {} as const;

/** Texts of an organization's pages: users, invitations, settings. */
export const enOrganization = {} as const;

/** How the reconciler authenticates to GitHub. */
export type GitHubCredentials =
  /** A token (classic: `admin:org_hook` / `admin:repo_hook`; fine-grained: Webhooks read and write). */
  | { readonly kind: 'token'; readonly token: string }
  /**
   * A GitHub App: its JWT for the App's own hook (`app`), an installation token for org and repo
   * hooks (the installation found from the owner; it needs the Webhooks permission, read and write).
   */
  | { readonly kind: 'app'; readonly appId: string; readonly privateKey: string };

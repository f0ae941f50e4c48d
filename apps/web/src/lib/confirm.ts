/** What ConfirmDialog asks, and the handle a page gets to ask it (`ref` on the component). */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
}

export interface Confirmation {
  /** Resolves `true` when the user confirms, `false` on Cancel or Escape. */
  ask(request: ConfirmRequest): Promise<boolean>;
}

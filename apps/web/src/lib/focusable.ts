/** What a page keeps of a field to move focus to it: an input, or a FormField. */
export interface Focusable {
  focus(): void;
}

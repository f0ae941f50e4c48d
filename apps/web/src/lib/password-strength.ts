/**
 * The strength hint on new-password fields: zxcvbn-ts with its common and English dictionaries.
 * They weigh about a megabyte, so they load on first use as a chunk of their own; the pages that
 * never ask for a new password never download them. The hint only advises: the server's policy
 * (length, the common-password list) is what accepts or refuses.
 */

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface Strength {
  score: StrengthScore;
  /** "Very weak" … "Very strong". */
  label: string;
  /** zxcvbn's warning, then its first suggestion, when it has any. */
  advice: string | null;
}

export type StrengthMeter = (password: string, userInputs?: string[]) => Strength;

const LABELS: Record<StrengthScore, string> = {
  0: 'Very weak',
  1: 'Weak',
  2: 'Fair',
  3: 'Strong',
  4: 'Very strong',
};

export function strengthLabel(score: StrengthScore): string {
  return LABELS[score];
}

let loading: Promise<StrengthMeter> | null = null;

export function loadStrengthMeter(): Promise<StrengthMeter> {
  loading ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([{ ZxcvbnFactory }, common, en]) => {
    const zxcvbn = new ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
    });
    return (password, userInputs = []) => {
      const { score, feedback } = zxcvbn.check(password, userInputs);
      return {
        score,
        label: strengthLabel(score),
        advice: feedback.warning || feedback.suggestions[0] || null,
      };
    };
  });
  // A failed download (offline) may be retried by the next keystroke.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

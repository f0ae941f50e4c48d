/**
 * RFC 7662 token introspection's answer: the claims of a live session's access token, or only
 * `active: false` — for a revoked, expired, idle or unknown session and for anything that is not
 * a valid token — so the answer says nothing about why.
 */
export type IntrospectionResult =
  | {
      active: true;
      /** User id. */
      sub: string;
      /** Session id. */
      sid: string;
      username: string;
      /** Seconds since the epoch (RFC 7519 NumericDate), as in the token. */
      exp: number;
      iat: number;
      iss: string;
      aud: string | string[];
      token_type: 'Bearer';
    }
  | { active: false };

export const INACTIVE: IntrospectionResult = { active: false };

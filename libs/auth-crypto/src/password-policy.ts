export interface PasswordRules {
  minLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
}

export interface PasswordRuleFailure {
  rule: 'min_length' | 'max_length' | 'uppercase' | 'lowercase' | 'digit' | 'symbol';
  message: string;
}

/** Always applies: Argon2 hashes any length, but nobody needs more and it bounds the work. */
export const PASSWORD_MAX_LENGTH = 256;

/** Every rule the password breaks, in plain words; empty when it is acceptable. */
export function checkPassword(password: string, rules: PasswordRules): PasswordRuleFailure[] {
  const failures: PasswordRuleFailure[] = [];
  const length = [...password].length;
  if (length < rules.minLength)
    failures.push({
      rule: 'min_length',
      message: `must be at least ${rules.minLength} characters`,
    });
  if (length > PASSWORD_MAX_LENGTH)
    failures.push({
      rule: 'max_length',
      message: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
    });
  if (rules.requireUppercase && !/\p{Lu}/u.test(password))
    failures.push({ rule: 'uppercase', message: 'must contain an uppercase letter' });
  if (rules.requireLowercase && !/\p{Ll}/u.test(password))
    failures.push({ rule: 'lowercase', message: 'must contain a lowercase letter' });
  if (rules.requireDigit && !/\p{Nd}/u.test(password))
    failures.push({ rule: 'digit', message: 'must contain a digit' });
  if (rules.requireSymbol && !/[^\p{L}\p{N}\s]/u.test(password))
    failures.push({ rule: 'symbol', message: 'must contain a symbol' });
  return failures;
}

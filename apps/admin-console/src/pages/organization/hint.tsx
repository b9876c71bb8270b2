import { Text } from '@mantine/core';

/**
 * An input's description in a shade that passes WCAG AA (Mantine's dimmed one does not): pass it
 * as `description={hint(t('…'))}`.
 */
export function hint(text: string) {
  return (
    <Text span inherit c="gray.7">
      {text}
    </Text>
  );
}

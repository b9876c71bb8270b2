import { Button, CopyButton, type ButtonProps } from '@mantine/core';
import { t } from '../i18n/i18n.js';

/** A button that copies `value` and says "Copied" for a moment: secrets shown once, links. */
export function CopyValue({
  value,
  label = t('common.copy'),
  ...button
}: { value: string; label?: string } & Omit<ButtonProps, 'children'>) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button variant="default" {...button} onClick={copy}>
          {copied ? t('common.copied') : label}
        </Button>
      )}
    </CopyButton>
  );
}

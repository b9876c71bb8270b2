import { Box, Loader } from '@mantine/core';
import { useEffect, useState } from 'react';
import { t } from '../../i18n/i18n.js';

const SIZE = 200;

/** The otpauth URI as an SVG QR code, in a data: URL (an image, so it has an alt text). */
async function qrDataUrl(otpauthUri: string): Promise<string> {
  // Loaded only when someone enrols: the QR encoder stays out of the initial JavaScript.
  // A CommonJS package: its module.exports is the default export.
  const { default: qrcode } = await import('qrcode');
  const svg = await qrcode.toString(otpauthUri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * The setup QR code for an authenticator app. Nothing when it cannot be drawn: the secret and
 * the URI beside it are the way in then.
 */
export function TotpQrCode({ otpauthUri }: { otpauthUri: string }) {
  const [drawn, setDrawn] = useState<{ uri: string; src: string | null } | null>(null);
  useEffect(() => {
    let current = true;
    qrDataUrl(otpauthUri).then(
      (src) => current && setDrawn({ uri: otpauthUri, src }),
      () => current && setDrawn({ uri: otpauthUri, src: null }),
    );
    return () => {
      current = false;
    };
  }, [otpauthUri]);
  if (drawn?.uri === otpauthUri && drawn.src === null) return null;
  return (
    <Box w={SIZE} h={SIZE} style={{ display: 'grid', placeItems: 'center' }}>
      {drawn?.uri === otpauthUri && drawn.src ? (
        <img src={drawn.src} alt={t('mfa.qrAlt')} width={SIZE} height={SIZE} />
      ) : (
        <Loader size="sm" role="status" aria-label={t('mfa.qrLoading')} />
      )}
    </Box>
  );
}

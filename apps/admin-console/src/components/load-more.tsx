import { Button, Center } from '@mantine/core';
import { t } from '../i18n/i18n.js';

/** The next page of a paged list (an infinite query), or nothing on the last page. */
export function LoadMore({
  query,
  label = t('common.loadMore'),
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label?: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <Center>
      <Button
        variant="default"
        loading={query.isFetchingNextPage}
        onClick={() => void query.fetchNextPage()}
      >
        {label}
      </Button>
    </Center>
  );
}

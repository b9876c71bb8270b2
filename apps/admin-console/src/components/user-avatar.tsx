import { Avatar, type AvatarProps } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client.js';

/** The signed-in person's profile (GET /api/v1/me), shared by the shell header and the pages. */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => call(() => api.GET('/api/v1/me')) });
}

/**
 * A person's avatar: the picture at their avatarUrl, or their initials when there is none or it
 * does not load. `alt` empty when a text beside it already names the person.
 */
export function UserAvatar({
  profile,
  alt,
  ...props
}: {
  profile: { displayName: string; avatarUrl: string | null };
  alt: string;
} & Omit<AvatarProps, 'src' | 'alt' | 'name'>) {
  return (
    <Avatar
      src={profile.avatarUrl}
      alt={alt}
      name={profile.displayName}
      color="blue.9"
      variant="filled"
      {...props}
    />
  );
}

/** A titled part of a staff page: a `section` named by its heading (`${id}-h`), for the landmarks list. */
import { Heading } from '@navikt/ds-react';
import type { ReactNode } from 'react';

export function Section({
  id,
  title,
  level = '2',
  children,
}: {
  id: string;
  title: ReactNode;
  /** A part of the page (2, the default) or a part of a part (3, smaller). */
  level?: '2' | '3';
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-h`}>
      <Heading id={`${id}-h`} level={level} size={level === '2' ? 'medium' : 'small'} spacing>
        {title}
      </Heading>
      {children}
    </section>
  );
}

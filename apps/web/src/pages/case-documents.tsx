/**
 * Documents for the case: several files at once from the phone's camera or files, a status for
 * each, type and size checked here with a clear message and again by the server, which also
 * removes location data from images.
 */
import { Alert, FileUpload, Heading, VStack } from '@navikt/ds-react';
import type { FileObject } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api';
import { problemText } from '../components';

const MAX_BYTES = 10 * 1024 * 1024;
const ACCEPT = '.jpg,.jpeg,.png,.pdf,.webp,image/jpeg,image/png,image/webp,application/pdf';

interface StoredDocument {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
}
interface FileResult {
  readonly filename: string;
  readonly status: 'stored' | 'rejected';
  readonly code?: string;
  readonly message?: string;
}
type Upload = { readonly file: File; readonly state: 'uploading' | 'stored' | 'rejected'; readonly error?: string };

export function DocumentsPanel({ municipality, id }: { municipality: string; id: string }) {
  const { t } = useTranslation();
  const path = `/api/v1/municipalities/${municipality}/applications/${id}/documents`;
  const [stored, setStored] = useState<readonly StoredDocument[]>([]);
  const [uploads, setUploads] = useState<readonly Upload[]>([]);
  const [problem, setProblem] = useState<string>();
  const load = useCallback(async () => {
    const r = await api<StoredDocument[] | { documents: StoredDocument[] }>(path).catch(() => []);
    setStored(Array.isArray(r) ? r : r.documents);
  }, [path]);
  useEffect(() => void load(), [load]);

  const reasonText = (reasons: readonly string[]) =>
    reasons.includes('fileSize')
      ? t('documents.tooLarge')
      : reasons.includes('fileType')
        ? t('documents.wrongType')
        : t('documents.rejected');

  async function upload(files: FileObject[]) {
    setProblem(undefined);
    const rejected = files
      .filter((f) => f.error)
      .map((f) => ({ file: f.file, state: 'rejected' as const, error: reasonText(f.error ? f.reasons : []) }));
    const accepted = files.filter((f) => !f.error).map((f) => f.file);
    setUploads((u) => [...u, ...rejected, ...accepted.map((file) => ({ file, state: 'uploading' as const }))]);
    if (accepted.length === 0) return;
    const form = new FormData();
    for (const f of accepted) form.append('files', f, f.name);
    let results: FileResult[] = [];
    try {
      const r = await api<{ files: FileResult[] }>(path, { method: 'POST', raw: form });
      results = r.files;
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.problem.files)) results = e.problem.files as FileResult[];
      else setProblem(problemText(e, t('errors.generic')));
    }
    setUploads((u) =>
      u.map((x) => {
        if (x.state !== 'uploading' || !accepted.includes(x.file)) return x;
        const result = results.find((r) => r.filename === x.file.name);
        if (!result) return { ...x, state: 'rejected', error: t('documents.failed') };
        return result.status === 'stored'
          ? { ...x, state: 'stored' }
          : {
              ...x,
              state: 'rejected',
              error: result.code
                ? t(`documents.codes.${result.code}`, { defaultValue: result.message ?? '' })
                : (result.message ?? t('documents.rejected')),
            };
      }),
    );
    await load();
  }

  return (
    <VStack gap="space-16">
      <FileUpload.Dropzone
        label={t('documents.label')}
        description={t('documents.help')}
        accept={ACCEPT}
        maxSizeInBytes={MAX_BYTES}
        multiple
        onSelect={(files) => void upload(files)}
        translations={{
          dragAndDrop: t('documents.drag'),
          dragAndDropMultiple: t('documents.drag'),
          or: t('documents.or'),
          button: t('documents.choose'),
          buttonMultiple: t('documents.choose'),
          drop: t('documents.drop'),
        }}
      />
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {uploads.length > 0 ? (
        <VStack gap="space-8" as="ul" aria-live="polite" style={{ listStyle: 'none', padding: 0 }}>
          {uploads.map((u, i) => (
            <FileUpload.Item
              as="li"
              key={`${u.file.name}-${i}`}
              file={u.file}
              status={u.state === 'uploading' ? 'uploading' : 'idle'}
              error={u.state === 'rejected' ? u.error : undefined}
              description={u.state === 'stored' ? t('documents.stored') : undefined}
            />
          ))}
        </VStack>
      ) : null}
      {stored.length > 0 ? (
        <section aria-labelledby="stored-docs">
          <Heading id="stored-docs" level="3" size="xsmall" spacing>
            {t('documents.storedTitle')}
          </Heading>
          <ul>
            {stored.map((d) => (
              <li key={d.id}>{d.filename}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </VStack>
  );
}

import {
  CONSENSUS_READER_ID,
  exportLabels,
  FormatInputError,
  type ExportInput,
  type FormatName,
  type ImageInfoInput,
  type Reader,
  type StudyInfo,
} from '@readingroom/formats';
import type { Annotation, ImageState, ReadingSession, Role } from '@readingroom/model';
import type { ProjectStore } from '../projects/project-store';
import type { SessionStore } from '../sessions/session-store';
import type { UserStore } from '../users/user-store';
import { exportPath, REPORT_FILE } from './export-layout';
import type { ExportIssueView, ExportReportView, ExportSource, ExportStudyView } from './export-schemas';
import { exportedStudyInfo, type StudyImageSource, type StudyImages } from './study-images';
import { readConsensus, readReaderReads, type DocumentReader, type ReadLabels } from './study-labels';

/** What exports read: the stores the server and the CLI open on a data directory. */
export interface ExportServiceDeps {
  readonly projects: Pick<ProjectStore, 'getProject' | 'listStudies' | 'listMembers' | 'listLabels'>;
  readonly sessions: Pick<SessionStore, 'get' | 'list'>;
  readonly users: Pick<UserStore, 'findById'>;
  readonly documents: DocumentReader;
  readonly images: StudyImageSource;
}

export interface ExportRequest {
  readonly projectId: string;
  readonly formats: readonly FormatName[];
  readonly source: ExportSource;
  /** Default: every study of the project. */
  readonly studies?: readonly string[] | undefined;
  /** Patient and study attributes in DICOM SR documents; default false (de-identified). */
  readonly includePatient?: boolean | undefined;
}

export interface ExportFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** The files of an export (the report first, then by path) and the report itself. */
export interface ExportPlan {
  readonly files: readonly ExportFile[];
  readonly report: ExportReportView;
  /** Epoch ms of the latest change among the exported labels (see `asOf` in the report). */
  readonly asOf: number;
}

export type ExportProgress = { readonly stage: 'reading' | 'formatting'; readonly done: number; readonly total: number };

/** The project or a study asked for does not exist, or nothing can be exported; `code` is machine-readable. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: 'project_not_found' | 'study_not_found' | 'no_taxonomy' | 'format_not_applicable',
    message: string,
  ) {
    super(message);
  }
}

/** One read to export: a reader's (or the consensus) labels over the studies it covers. */
interface ReadToExport {
  readerId: string;
  annotations: Annotation[];
  imageStates: ImageState[];
  images: ImageInfoInput[];
  studies: StudyInfo[];
  latest: number;
}

interface StudyGathered {
  uid: string;
  session: ReadingSession;
  images: StudyImages | null;
  view: ExportStudyView;
  /** consensus source: the consensus; reads source: one per reader. */
  reads: { readerId: string; labels: ReadLabels }[];
}

const utf8 = new TextEncoder();
const byUid = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Exports of a project's labels, for the HTTP API and the CLI alike, so both give the same bytes
 * for the same data. Checks no permissions: callers do. Everything comes from the study documents
 * (consensus, or each reader's read), the reading sessions, the taxonomy, the users' names and
 * the images (`StudyImageSource`); the formats are `@readingroom/formats`' `exportLabels`.
 * Deterministic: `now` of every export is the latest change among the exported labels, so the
 * same labels always give the same files.
 */
export function createExportService(deps: ExportServiceDeps) {
  const displayName = async (id: string): Promise<string> => (await deps.users.findById(id))?.username ?? id;

  async function gather(projectId: string, uids: readonly string[], source: ExportSource, onProgress?: (p: ExportProgress) => void) {
    const sessions = await deps.sessions.list(projectId);
    const roles = new Map<string, Role>((await deps.projects.listMembers(projectId)).map((m) => [m.userId, m.role]));
    const studies: StudyGathered[] = [];
    for (const [i, uid] of uids.entries()) {
      const session = sessions.get(uid) ?? (await deps.sessions.get(projectId, uid));
      const images = await deps.images(uid);
      const base = { studyInstanceUid: uid, phase: session.phase, final: session.phase === 'final', images: images?.images.length ?? 0, imagesFrom: images?.from ?? ('none' as const) };
      if (source === 'consensus') {
        const { labels, hasConsensus } = await readConsensus(deps.documents, projectId, uid, session);
        studies.push({ uid, session, images, view: { ...base, hasConsensus, reads: [] }, reads: hasConsensus ? [{ readerId: CONSENSUS_READER_ID, labels }] : [] });
      } else {
        const reads = await readReaderReads(deps.documents, { projectId, studyUid: uid, session, roles });
        const view = { ...base, hasConsensus: false, reads: reads.map((r) => ({ readerId: r.readerId, from: r.from, submitted: r.submitted })) };
        studies.push({ uid, session, images, view, reads: reads.map((r) => ({ readerId: r.readerId, labels: r.labels })) });
      }
      onProgress?.({ stage: 'reading', done: i + 1, total: uids.length });
    }
    return studies;
  }

  return {
    /**
     * Reads, formats and lays out an export (see `exportPath`), with `export-report.json` saying
     * what is in it: studies and their phases, readers, skipped items and warnings (a consensus
     * that is not final, a read not submitted, images that are unknown). Throws `ExportError`.
     */
    async prepare(request: ExportRequest, onProgress?: (p: ExportProgress) => void): Promise<ExportPlan> {
      const project = await deps.projects.getProject(request.projectId);
      if (!project) throw new ExportError('project_not_found', 'no such project');
      const inProject = new Set((await deps.projects.listStudies(project.id)).map((s) => s.studyInstanceUid));
      const uids = [...new Set(request.studies ?? inProject)].sort(byUid);
      const missing = uids.filter((uid) => !inProject.has(uid));
      if (missing.length > 0) throw new ExportError('study_not_found', `${missing.length} of the studies are not in this project (${missing[0]}${missing.length > 1 ? ', ...' : ''})`);

      const studies = await gather(project.id, uids, request.source, onProgress);
      const warnings: ExportIssueView[] = [];
      const skipped: ExportIssueView[] = [];
      const warn = (item: string, message: string) => warnings.push({ format: null, readerId: null, item, reason: null, message });

      // Group the studies' reads by reader: one export input each.
      const reads = new Map<string, ReadToExport>();
      const notFinal = new Set<string>();
      for (const study of studies) {
        if (request.source === 'consensus') {
          if (!study.view.hasConsensus) warn(study.uid, `no consensus yet (phase ${study.session.phase}): the study is not exported`);
          else if (!study.view.final) warn(study.uid, `the consensus is not final (phase ${study.session.phase}): it may still change`);
          if (study.view.hasConsensus && !study.view.final) notFinal.add(study.uid);
        } else {
          if (study.reads.length === 0) warn(study.uid, 'no reads: the study is not exported');
          for (const r of study.view.reads) {
            if (!r.submitted) {
              warn(study.uid, `the read of ${r.readerId} is not submitted (phase ${study.session.phase}): it may still change`);
              notFinal.add(study.uid);
            }
          }
        }
        if (study.reads.length === 0) continue;
        if (!study.images || study.images.images.length === 0) {
          warn(study.uid, 'the images of this study are unknown (not in the catalog, no DICOMweb source): its labels are not exported');
          continue;
        }
        for (const { readerId, labels } of study.reads) {
          const read = reads.get(readerId) ?? { readerId, annotations: [], imageStates: [], images: [], studies: [], latest: 0 };
          read.annotations.push(...labels.annotations);
          read.imageStates.push(...labels.imageStates);
          read.images.push(...study.images.images);
          read.studies.push(exportedStudyInfo(study.images.study, request.includePatient === true));
          read.latest = Math.max(read.latest, labels.latest);
          reads.set(readerId, read);
        }
      }
      const ordered = [...reads.values()].sort((a, b) => byUid(a.readerId, b.readerId));

      const labelNames = (await deps.projects.listLabels(project.id)).map((l) => l.name);
      const taxonomy = labelNames.length > 0 ? labelNames : [...new Set(ordered.flatMap((r) => r.annotations.map((a) => a.label)))].sort(byUid);
      if (taxonomy.length === 0 && ordered.length > 0) throw new ExportError('no_taxonomy', 'the project has no label classes and nothing was labelled');

      const readerIds = new Set<string>();
      for (const read of ordered) {
        if (read.readerId !== CONSENSUS_READER_ID) readerIds.add(read.readerId);
        // Consensus annotations are authored by adjudicators: name them too.
        else for (const who of [...read.annotations.map((a) => a.author), ...read.imageStates.map((s) => s.setBy)]) readerIds.add(who);
      }
      const readers: Reader[] = [
        ...(request.source === 'consensus' ? [{ id: CONSENSUS_READER_ID, displayName: 'Consensus' }] : []),
        ...(await Promise.all([...readerIds].sort(byUid).map(async (id) => ({ id, displayName: await displayName(id) })))),
      ];

      const asOf = ordered.reduce((t, r) => Math.max(t, r.latest), 0);
      const files: ExportFile[] = [];
      const issues = new Map<string, ExportIssueView & { formats: Set<string> }>();
      const note = (list: ExportIssueView[], issue: ExportIssueView) => {
        const key = `${list === skipped ? 's' : 'w'}\n${issue.readerId}\n${issue.item}\n${issue.reason}\n${issue.message}`;
        const seen = issues.get(key);
        if (seen) {
          seen.formats.add(issue.format ?? '');
          return;
        }
        const entry = { ...issue, formats: new Set([issue.format ?? '']) };
        issues.set(key, entry);
        list.push(entry);
      };
      let step = 0;
      const steps = request.formats.length * ordered.length;
      for (const format of request.formats) {
        for (const read of ordered) {
          const input: ExportInput = {
            readerId: read.readerId,
            annotations: read.annotations,
            imageStates: read.imageStates,
            taxonomy,
            readers,
            images: read.images,
            studies: read.studies,
            now: asOf,
          };
          let result;
          try {
            result = exportLabels(format, input);
          } catch (error) {
            if (error instanceof FormatInputError) throw new ExportError('format_not_applicable', `${format}: ${error.message}`);
            throw error;
          }
          for (const file of result.files) {
            const bytes = typeof file.content === 'string' ? utf8.encode(file.content) : file.content;
            files.push({ path: exportPath(format, read.readerId, file.path), bytes });
          }
          for (const s of result.skipped) note(skipped, { format, readerId: read.readerId, item: s.item, reason: s.reason, message: s.message });
          for (const w of result.warnings) note(warnings, { format, readerId: read.readerId, item: w.item, reason: null, message: w.message });
          onProgress?.({ stage: 'formatting', done: ++step, total: steps });
        }
      }
      files.sort((a, b) => byUid(a.path, b.path));
      // An issue every format reported is listed once, without a format.
      const plain = (list: ExportIssueView[]) =>
        list.map((i) => {
          const { formats, ...rest } = i as ExportIssueView & { formats?: Set<string> };
          return formats !== undefined && formats.size > 1 ? { ...rest, format: null } : rest;
        });

      const report: ExportReportView = {
        projectId: project.id,
        projectName: project.name,
        source: request.source,
        formats: [...request.formats],
        asOf: new Date(asOf).toISOString(),
        deidentified: request.includePatient !== true,
        readers,
        studies: studies.map((s) => s.view),
        notFinal: [...notFinal].sort(byUid),
        files: files.map((f) => ({ path: f.path, bytes: f.bytes.byteLength })),
        skipped: plain(skipped),
        warnings: plain(warnings),
      };
      const reportFile = { path: REPORT_FILE, bytes: utf8.encode(`${JSON.stringify(report, null, 2)}\n`) };
      return { files: [reportFile, ...files], report, asOf };
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;

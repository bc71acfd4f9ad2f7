import { ROOT, type Comment, type StudyDocument, type Vote, type VoteValue } from '@readingroom/model';
import { createSubscriber } from 'svelte/reactivity';
import type { ApiClient, DiscussionRoom } from '../lib/api-client';
import { discussionRoomOf, tallyVotes, type VoteTally } from './vote-tally';

/** Where the discussion's writes go: the server, for the study document open in `room`. */
export interface DiscussionTarget {
  readonly api: ApiClient;
  readonly projectId: string;
  readonly studyUid: string;
  /** The sync room name of the open document (`myRoom`). */
  readonly room: string;
}

/**
 * The votes (`votes` root map) and comments (`comments` root map) of the open study document,
 * read through `StudyDocument.listVotes / listComments` and reactive to every change of either
 * map. Read only: votes and comments are written through the server's HTTP API, which also
 * serves reviewers, who may not write over the socket.
 */
export class StudyDiscussion {
  #subscribe: () => void;
  #cache: { version: number; votes: Vote[]; comments: Comment[] } | null = null;
  #version = 0;

  #busy = $state(false);

  constructor(
    private readonly study: StudyDocument,
    private readonly target: DiscussionTarget,
  ) {
    const votes = study.doc.getMap(ROOT.votes);
    const comments = study.doc.getMap(ROOT.comments);
    this.#subscribe = createSubscriber((update) => {
      const onChange = () => {
        this.#version++;
        update();
      };
      votes.observe(onChange);
      comments.observe(onChange);
      return () => {
        votes.unobserve(onChange);
        comments.unobserve(onChange);
      };
    });
  }

  /** A vote or comment is on its way to the server. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Votes `vote` on an annotation as the caller; voting what the caller already voted withdraws
   * the vote (a toggle). Throws the server's refusal.
   */
  async toggleVote(annotationId: string, userId: string, vote: VoteValue): Promise<void> {
    const { api, projectId, studyUid } = this.target;
    const room = this.#room();
    const mine = this.tallyOf(annotationId, userId).mine;
    await this.#send(() => (mine === vote ? api.withdrawVote(projectId, studyUid, room, annotationId) : api.vote(projectId, studyUid, room, annotationId, vote)));
  }

  /** Comments on an annotation as the caller. Throws the server's refusal. */
  async comment(annotationId: string, text: string): Promise<void> {
    const { api, projectId, studyUid } = this.target;
    await this.#send(() => api.comment(projectId, studyUid, this.#room(), { type: 'annotation', annotationId }, text));
  }

  async #send(request: () => Promise<unknown>): Promise<void> {
    this.#busy = true;
    try {
      await request();
    } finally {
      this.#busy = false;
    }
  }

  /** The open document as the discussion routes name it. */
  #room(): DiscussionRoom {
    const room = discussionRoomOf(this.target.room);
    if (!room) throw new Error('this document is not a study document: nothing to vote on');
    return room;
  }

  #read(): { votes: Vote[]; comments: Comment[] } {
    this.#subscribe();
    // Without subscribers the version does not move: read fresh then.
    if (!this.#cache || this.#cache.version !== this.#version || !$effect.tracking()) {
      this.#cache = { version: this.#version, votes: this.study.listVotes(), comments: this.study.listComments() };
    }
    return this.#cache;
  }

  /** Counts of the votes on `annotationId`, and `userId`'s own. */
  tallyOf(annotationId: string, userId: string | null): VoteTally {
    return tallyVotes(this.#read().votes, annotationId, userId);
  }

  /** Comments (not deleted) on `annotationId`, oldest first. */
  commentsOn(annotationId: string): Comment[] {
    return this.#read().comments.filter((c) => c.target.type === 'annotation' && c.target.annotationId === annotationId);
  }
}

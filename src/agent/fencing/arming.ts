// Whether this node holds its fenced containers to a deadline at all.
//
// Fencing only pays when the control plane could move the node's stateful
// pods without it, which needs a strict majority of members healthy without
// this node: three member nodes (simulated ones excluded) at least. With
// fewer, a deadline would only stop stateful pods whenever the API is out of
// reach (a `hale up` restart) and buy nothing — so the node is *disarmed*:
// its supervisors hold no deadline, exactly like Kubernetes' kubelet.
//
// The Lease says which it is (`hale.dev/fencing-armed`), and the control
// plane fences only a node whose last renewal said "true". So the two must
// never disagree in the unsafe direction:
// - arming: the supervisors get a finite deadline first (the last renewal's),
//   and only renewals sent after that say "true";
// - disarming: a renewal saying "false" must have succeeded before the
//   supervisors' deadline is cleared.

import { ANNOTATION_FENCING_ARMED } from '../../api/fencing.js';

export const MIN_MEMBERS_TO_ARM = 3;

export class Arming {
  /** the supervisors hold (or are being handed) finite deadlines */
  private armed = false;
  /** the finite deadline has been handed over: renewals may say "true" */
  private announce = false;
  private wanted = false;
  /** what the renewal in flight says */
  private sent = false;

  /** `apply` hands the supervisors the gate's effective deadline now (finite when armed, 0 when not). */
  constructor(private readonly apply: () => Promise<void>) {}

  get isArmed(): boolean {
    return this.armed;
  }

  /** The member count as just read from the API: arming happens at once, disarming after a renewal that said so. */
  members(count: number): void {
    this.wanted = count >= MIN_MEMBERS_TO_ARM;
    if (this.wanted && !this.armed) {
      this.armed = true;
      void this.apply().then(() => {
        if (this.armed) this.announce = true;
      });
    }
  }

  /** The annotations of the renewal being sent now. */
  leaseAnnotations(): Record<string, string> {
    this.sent = this.announce && this.wanted;
    return { [ANNOTATION_FENCING_ARMED]: String(this.sent) };
  }

  /** The renewal just sent succeeded. */
  renewed(): void {
    if (this.armed && !this.wanted && !this.sent) {
      this.armed = false;
      this.announce = false;
      void this.apply();
    }
  }

  /** holdUntilMs for the fence gate: disarmed = hold forever. */
  hold(): number | undefined {
    return this.armed ? undefined : Infinity;
  }
}

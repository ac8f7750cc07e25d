/** A Lit reactive controller that re-renders its host when the store changes one of the aspects it shows. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Aspect, ChangeDetail } from '../state/core';
import type { TaggerStore } from '../state/store';

/** Subscribes a component to some aspects of the store while it is connected. */
export class StoreController implements ReactiveController {
  private store: TaggerStore | undefined;
  private readonly onChange = (e: Event) => {
    const changed = (e as CustomEvent<ChangeDetail>).detail;
    if (this.aspects.some((a) => changed.has(a))) {
      this.onUpdate?.(changed);
      this.host.requestUpdate();
    }
  };

  constructor(
    private readonly host: ReactiveControllerHost & { store?: TaggerStore },
    private readonly aspects: readonly Aspect[],
    private readonly onUpdate?: (changed: ChangeDetail) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.attach();
  }

  hostUpdate(): void {
    // The store is a property set after construction: follow it when it is set or replaced.
    if (this.store !== this.host.store) this.attach();
  }

  hostDisconnected(): void {
    this.store?.removeEventListener('change', this.onChange);
    this.store = undefined;
  }

  private attach(): void {
    this.store?.removeEventListener('change', this.onChange);
    this.store = this.host.store;
    this.store?.addEventListener('change', this.onChange);
  }
}

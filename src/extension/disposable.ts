/**
 * The base class of everything in the host that owns listeners, watchers and other disposables, after the
 * `Disposable` of microsoft/vscode-extension-samples and VS Code's own `lifecycle.ts`: register each one with
 * `_register()` and `dispose()` releases them all.
 */
// Type-only: this module is loaded without VS Code (the unit tests), and needs nothing of it at run time.
import type * as vscode from 'vscode';

/** Owns disposables and disposes them, the last registered first, exactly once. */
export abstract class Disposable implements vscode.Disposable {
  private readonly _disposables: vscode.Disposable[] = [];
  private _isDisposed = false;

  /** True once `dispose()` has been called. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Disposes every registered disposable in reverse order of registration; later calls do nothing. One that
   * throws does not keep the rest from being disposed: the error is thrown after all of them have run.
   */
  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    const errors: unknown[] = [];
    while (this._disposables.length > 0) {
      try {
        this._disposables.pop()!.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
  }

  /** Registers a disposable to be disposed with this object (at once, if this object is already disposed). */
  protected _register<T extends vscode.Disposable>(disposable: T): T {
    if (this._isDisposed) disposable.dispose();
    else this._disposables.push(disposable);
    return disposable;
  }
}

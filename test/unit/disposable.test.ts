import { strict as assert } from 'node:assert';
import { Disposable } from '../../src/extension/disposable';

/** A Disposable whose registrations the test makes, as a subclass's constructor would. */
class Owner extends Disposable {
  add<T extends { dispose(): unknown }>(d: T): T {
    return this._register(d);
  }
}

/** A disposable that records each dispose call in `log` under its name. */
const recorder = (log: string[], name: string, fail?: Error) => ({
  dispose() {
    log.push(name);
    if (fail) throw fail;
  },
});

describe('Disposable', () => {
  it('disposes what was registered, the last registered first, and returns each registration', () => {
    const log: string[] = [];
    const owner = new Owner();
    const a = recorder(log, 'a');
    assert.equal(owner.add(a), a);
    owner.add(recorder(log, 'b'));
    owner.add(recorder(log, 'c'));
    assert.equal(owner.isDisposed, false);
    owner.dispose();
    assert.deepEqual(log, ['c', 'b', 'a']);
    assert.equal(owner.isDisposed, true);
  });

  it('disposes each registration exactly once, however often dispose is called', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.add(recorder(log, 'a'));
    owner.add(recorder(log, 'b'));
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['b', 'a']);
  });

  it('disposes a registration made after dispose at once', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.dispose();
    owner.add(recorder(log, 'late'));
    assert.deepEqual(log, ['late']);
    owner.dispose();
    assert.deepEqual(log, ['late']);
  });

  it('disposes the rest when one throws, then throws its error (several as one AggregateError)', () => {
    const log: string[] = [];
    const boom = new Error('boom');
    const one = new Owner();
    one.add(recorder(log, 'a'));
    one.add(recorder(log, 'b', boom));
    one.add(recorder(log, 'c'));
    assert.throws(
      () => one.dispose(),
      (e) => e === boom,
    );
    assert.deepEqual(log, ['c', 'b', 'a']);
    assert.equal(one.isDisposed, true);
    one.dispose();
    assert.deepEqual(log, ['c', 'b', 'a'], 'a failed dispose is not retried');

    const two = new Owner();
    two.add(recorder([], 'x', new Error('first')));
    two.add(recorder([], 'y', new Error('second')));
    assert.throws(
      () => two.dispose(),
      (e) => e instanceof AggregateError && e.errors.map((x: Error) => x.message).join() === 'second,first',
    );
  });

  it('lets a subclass run its own clean-up around the base dispose', () => {
    const log: string[] = [];
    class Panel extends Disposable {
      constructor() {
        super();
        this._register(recorder(log, 'listener'));
      }
      override dispose(): void {
        if (this.isDisposed) return;
        log.push('flush');
        super.dispose();
      }
    }
    const p = new Panel();
    p.dispose();
    p.dispose();
    assert.deepEqual(log, ['flush', 'listener']);
  });
});

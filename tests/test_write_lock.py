"""The project's write lock counts the writes that may change what a copy holds."""

from __future__ import annotations

import threading

from stethoscope.write_lock import WriteLock


def test_a_write_moves_the_generation_when_it_begins_and_when_it_ends() -> None:
    lock = WriteLock()
    seen: list[int] = []
    with lock:
        seen.append(lock.generation)
        with lock:  # re-entrant: one write
            seen.append(lock.generation)
    seen.append(lock.generation)
    assert seen == [1, 1, 2]
    assert not lock.held()


def test_writes_that_keep_the_reads_do_not_count() -> None:
    lock = WriteLock()
    with lock.keeping_reads():
        assert lock.held()
        with lock.keeping_reads():
            pass
    assert lock.try_keeping_reads()
    lock.release()
    assert lock.generation == 0
    # a counting hold inside one that keeps the reads counts, and is undone at its end
    with lock.keeping_reads():
        with lock:
            assert lock.generation == 1
        assert lock.generation == 1
    assert lock.generation == 2
    # and one that keeps them inside a counting hold changes nothing of the count
    with lock, lock.keeping_reads():
        pass
    assert lock.generation == 4


def test_a_taken_lock_is_not_taken_twice() -> None:
    lock = WriteLock()
    taken = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with lock:
            taken.set()
            done.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    taken.wait(5)
    assert not lock.try_keeping_reads()
    assert not lock.held()
    done.set()
    t.join()
    assert lock.try_keeping_reads()
    lock.release()
    assert lock.generation == 2

"""A compact "first row that had this key" table for duplicate checks over very long lists.

A dict of 64-bit hash -> row number costs about 110 bytes per entry in CPython (the int objects
and the table); this open-addressing table over two ``array`` buffers costs 12-36 bytes (2/3 full at most, doubling), so
finding duplicates among a million recipients needs ~20 MB instead of ~110 MB. Keys are 64-bit
hashes of the normalised recipient: two different recipients collide with a probability of about
n^2 / 2^65 (3e-8 for a million rows).
"""

from __future__ import annotations

from array import array

_EMPTY = 0


class FirstSeen:
    """``first_row(key_hash, row)`` returns the row that first had ``key_hash`` (``row`` if new)."""

    __slots__ = ("_keys", "_rows", "_mask", "_used")

    def __init__(self, capacity: int = 1024) -> None:
        size = 1
        while size < capacity:
            size <<= 1
        self._keys = array("q", bytes(8 * size))
        self._rows = array("i", bytes(4 * size))  # row numbers up to 2^31
        self._mask = size - 1
        self._used = 0

    def __len__(self) -> int:
        return self._used

    def first_row(self, key_hash: int, row: int) -> int:
        key = key_hash or 1  # 0 marks an empty slot
        keys = self._keys
        mask = self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._rows[slot]
            if found == _EMPTY:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        self._rows[slot] = row
        self._used += 1
        if self._used * 3 > (mask + 1) * 2:  # keep the table at most 2/3 full: probes stay short
            self._grow()
        return row

    def _grow(self) -> None:
        old_keys, old_rows = self._keys, self._rows
        size = (self._mask + 1) * 2
        self._keys = keys = array("q", bytes(8 * size))
        self._rows = rows = array("i", bytes(4 * size))
        self._mask = mask = size - 1
        for key, row in zip(old_keys, old_rows):
            if key != _EMPTY:
                slot = key & mask
                while keys[slot] != _EMPTY:
                    slot = (slot + 1) & mask
                keys[slot] = key
                rows[slot] = row

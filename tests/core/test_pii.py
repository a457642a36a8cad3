from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from xinyong.core import pii

NUMBER = "53010219900307123X"


def test_it_masks_an_id_number_keeping_four_characters_at_each_end():
    assert pii.mask(NUMBER) == "5301**********123X"
    assert pii.mask("1234567") == "*******"


def test_it_decrypts_what_it_encrypted():
    assert pii.decrypt(pii.encrypt(NUMBER, "subject.id_number"), "subject.id_number") == NUMBER


def test_it_never_produces_the_same_ciphertext_twice():
    assert pii.encrypt(NUMBER, "c") != pii.encrypt(NUMBER, "c")


def test_it_refuses_a_ciphertext_moved_to_another_column():
    ciphertext = pii.encrypt(NUMBER, "subject.id_number")
    with pytest.raises(InvalidTag):
        pii.decrypt(ciphertext, "subject.legal_representative_id")


def test_it_gives_equal_values_the_same_blind_index_per_context():
    assert pii.blind_index(NUMBER, "a") == pii.blind_index(NUMBER, "a")
    assert pii.blind_index(NUMBER, "a") != pii.blind_index(NUMBER, "b")
    assert NUMBER not in pii.blind_index(NUMBER, "a")


def test_a_different_key_cannot_read_the_data(settings):
    ciphertext = pii.encrypt(NUMBER, "c")
    index = pii.blind_index(NUMBER, "c")
    settings.XINYONG_DATA_KEY = "A" * 43 + "="
    with pytest.raises(InvalidTag):
        pii.decrypt(ciphertext, "c")
    assert pii.blind_index(NUMBER, "c") != index


def test_sealing_keeps_nothing_in_clear():
    sealed = pii.seal(NUMBER, "subject.id_number")
    assert NUMBER not in sealed.ciphertext + sealed.blind_index + sealed.masked
    assert sealed.masked == "5301**********123X"

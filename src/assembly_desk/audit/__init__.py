"""Audit: canonical JSON, Ed25519 keys and signatures, the hash-chained log.

Pure code (stdlib + ``cryptography``), no DB and no Qt, so an auditor's
verifier can run it on its own. Import the submodules directly
(``assembly_desk.audit.canonical``, ``.keys``, ``.signing``, ``.chain``); this
package imports nothing so that ``import assembly_desk.audit`` stays cheap.
Formats are described in docs/signing.md.
"""

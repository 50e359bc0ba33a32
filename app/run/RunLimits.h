#pragma once

#include <QtGlobal>

/**
 * How much of what a server sends a Run keeps (STYLE.md: every untrusted input has a bound).
 * A hostile server can send megabytes of banner, thousands of capability lines or a flood after
 * the STARTTLS go-ahead; the report must stay readable and small whatever it sends. What is cut
 * is marked where it was cut ("… [12,345 more bytes]") and counted in Run::truncation.
 */
namespace RunLimits {

/// Characters kept of one transcript line (server, client or note).
inline constexpr qsizetype TranscriptTextChars = 2000;
/// Server lines of one reply kept in the transcript; the rest are counted in one note.
inline constexpr int TranscriptLinesPerReply = 64;
/// Transcript entries and characters kept in a run; past either, lines are only counted.
inline constexpr int TranscriptEntries = 1000;
inline constexpr qsizetype TranscriptChars = 512 * 1024;
/// Characters kept of a step summary and of a finding's evidence.
inline constexpr qsizetype SummaryChars = 500;
inline constexpr qsizetype DetailChars = 2000;
/// Capabilities kept per list, and characters kept of each.
inline constexpr int Capabilities = 100;
inline constexpr qsizetype CapabilityChars = 200;
/// Characters kept of a certificate text field (subject, issuer, a name, an error), and names
/// kept per list (SAN DNS, SAN IP, errors).
inline constexpr qsizetype CertificateFieldChars = 1000;
inline constexpr int CertificateNames = 100;
/// IMAP [ALERT]s recorded per run (RFC 9051 s.7.1 asks to show them; a flood is not shown).
inline constexpr int Alerts = 10;

} // namespace RunLimits

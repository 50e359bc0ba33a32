#include "FindingCatalogue.h"

#include "CatalogueEntry.h"
#include "TlsSuiteCatalogue.h"

#include <array>
#include <QCoreApplication>

namespace {

using Entry = CatalogueEntry;

// Text is marked for translation here and translated in make(), in the "Findings" context.
constexpr std::array entries {
    Entry {FindingIds::StartTlsNotOffered, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server does not offer STARTTLS"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server's capability list has no STARTTLS, so this connection cannot be "
               "encrypted. Either the server has TLS switched off, or something between you and "
               "the server removed the offer (a \"STARTTLS stripping\" attack). Mail and passwords "
               "would travel in clear text. Enable TLS on the server, and if it is enabled, check "
               "firewalls and proxies that inspect mail traffic."),
           "RFC 3207 s.4; RFC 8314"},
    Entry {
        FindingIds::StartTlsRejected, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server refused to start TLS"),
        QT_TRANSLATE_NOOP("Findings",
                          "The server advertised STARTTLS but answered the command with an error, so the "
                          "connection stayed unencrypted. This usually means the server's certificate or key "
                          "is missing or unreadable. Look at the server's log for TLS errors."),
        "RFC 3207 s.4"},
    Entry {
        FindingIds::StartTlsResponseInjection, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "Plaintext was injected around the TLS upgrade"),
        QT_TRANSLATE_NOOP("Findings",
                          "After the server's go-ahead for STARTTLS, more bytes arrived before encryption "
                          "began. A correct server sends nothing there; an attacker in the path can use this "
                          "gap to slip fake replies into the encrypted session. Mailscope recorded the bytes "
                          "and discarded them, as RFC 3207 requires. Check for a proxy or middlebox between "
                          "you and the server, or a server bug."),
        "RFC 3207 s.4; CVE-2011-0411"},
    Entry {FindingIds::StartTlsCommandInjection, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server executes commands injected before TLS"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server answered, inside the encrypted session, a command that was sent in "
               "plaintext together with STARTTLS. An attacker in the path could inject commands "
               "that the server then runs as if they came over TLS. Mailscope tested this with a "
               "harmless command (STARTTLS and NOOP sent in one packet; NOOP changes nothing on "
               "the server). Update the server software: it must discard its input buffer when TLS "
               "starts."),
           "CVE-2011-0411; RFC 3207 s.4"},
    Entry {FindingIds::PlaintextAuthOffered, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "Login is offered without encryption"),
           QT_TRANSLATE_NOOP("Findings",
                             "Before TLS was started, the server already offered to accept passwords. A mail "
                             "client that does not insist on TLS could send its password in clear text. "
                             "Configure the server to offer authentication only after STARTTLS (Postfix: "
                             "smtpd_tls_auth_only = yes; Dovecot: disable_plaintext_auth = yes)."),
           "RFC 3207 s.5; RFC 8314 s.3"},
    Entry {FindingIds::ImapPreauthBeforeTls, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "IMAP session pre-authenticated before TLS"),
           QT_TRANSLATE_NOOP("Findings",
                             "The server greeted with PREAUTH on an unencrypted connection. STARTTLS is only "
                             "allowed before authentication, so this session can never be encrypted."),
           "RFC 9051 s.7.1.4; RFC 2595 s.3.1"},
    Entry {FindingIds::TlsHandshakeFailed, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The TLS handshake failed"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "Client and server could not agree on an encrypted connection. Common causes: the "
               "server only supports old TLS versions or ciphers, its certificate or key is broken, "
               "or the connection was cut during the handshake. The detail shows what the TLS "
               "library reported."),
           "RFC 8446"},
    Entry {FindingIds::TlsLegacyVersionAccepted, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The server accepts an outdated TLS version"),
           QT_TRANSLATE_NOOP(
               "Findings", "TLS 1.0 and 1.1 are deprecated and have known weaknesses. Allow only TLS 1.2 and "
                           "1.3 unless very old clients must still connect."),
           "RFC 8996"},
    Entry {FindingIds::Tls13NotSupported, Severity::Info,
           QT_TRANSLATE_NOOP("Findings", "TLS 1.3 is not supported"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server does not accept TLS 1.3, the current and fastest version. Upgrading the "
               "server's TLS library usually enables it."),
           "RFC 8446"},
    Entry {FindingIds::TlsWeakCipher, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The server accepts a weak cipher"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "At least one cipher suite the server accepts is rated weak or insecure for a reason no "
               "more specific finding covers (for instance an MD5 message authentication code or an "
               "unusual cipher); the detail names each suite and why. Remove it from the server's "
               "cipher list."),
           "RFC 9325 s.4.1"},
    Entry {FindingIds::TlsAuditIncomplete, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The TLS audit could not test everything"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "Some of the audit's probes got no TLS answer from the server (the connection was refused, "
               "reset or closed, the server answered 421 or another temporary error, or it did not greet "
               "in time), even after retries at lower concurrency. The versions and cipher lists shown "
               "are incomplete: what could not be tested is listed here, and is neither accepted nor "
               "rejected. Servers that limit connections per client cause this; run the audit again "
               "later, or raise the limit for the host you audit from."),
           "RFC 5321 s.4.2.3 (421); RFC 8446 s.6"},
    Entry {FindingIds::CertExpired, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The certificate has expired"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server's certificate is past its end date. Clients that check certificates will "
               "refuse to connect. Renew the certificate and reload the server."),
           "RFC 5280 s.4.1.2.5"},
    Entry {FindingIds::CertNotYetValid, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The certificate is not valid yet"),
           QT_TRANSLATE_NOOP(
               "Findings", "The certificate's start date is in the future. Either the certificate was issued "
                           "with a wrong date or a clock is wrong (this machine's or the issuer's)."),
           "RFC 5280 s.4.1.2.5"},
    Entry {FindingIds::CertExpiresSoon, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The certificate expires soon"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The certificate is still valid but expires within the warning period. Renew it now "
               "so that clients never see an expired certificate."),
           "RFC 5280 s.4.1.2.5"},
    Entry {
        FindingIds::CertHostnameMismatch, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The certificate is for a different name"),
        QT_TRANSLATE_NOOP("Findings",
                          "None of the names in the certificate matches the host name you connected to. "
                          "Clients that check names will refuse the connection. Use a certificate that lists "
                          "this name, or connect with the name the certificate lists."),
        "RFC 6125; RFC 7817"},
    Entry {FindingIds::CertSelfSigned, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The certificate is self-signed"),
           QT_TRANSLATE_NOOP(
               "Findings", "The server vouches for itself; no certificate authority signed its certificate. "
                           "Nobody can tell it apart from an impostor's. Use a certificate from a public CA "
                           "(for example Let's Encrypt). If this server is yours and meant to be private, "
                           "trust this one certificate for the profile (or pass its file with --ca-file)."),
           "RFC 5280"},
    Entry {
        FindingIds::CertUntrustedChain, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The certificate chain is not trusted"),
        QT_TRANSLATE_NOOP("Findings",
                          "The certificate could not be traced back to a trusted root authority. Either the "
                          "server does not send its intermediate certificates, or the root is not trusted on "
                          "this machine. Configure the server to send the full chain (leaf first, then the "
                          "intermediates). If the server uses a private CA, trust that CA for this server: "
                          "add its file under the profile's Trust settings (or pass --ca-file), or trust "
                          "this one certificate for the profile."),
        "RFC 5280 s.6"},
    Entry {FindingIds::CertWeakKey, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The certificate's key is too weak"),
           QT_TRANSLATE_NOOP("Findings",
                             "The certificate's public key is shorter than current practice (RSA under 2048 "
                             "bits, EC under 256 bits). Issue a new certificate with a stronger key."),
           "NIST SP 800-57"},
    Entry {FindingIds::CertSha1Signature, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "A certificate is signed with SHA-1"),
           QT_TRANSLATE_NOOP(
               "Findings", "A certificate in the chain carries a SHA-1 signature. SHA-1 collisions can be "
                           "computed (SHAttered, 2017), so such a signature no longer proves who issued the "
                           "certificate; current TLS libraries and browsers refuse it. Have the certificate "
                           "reissued with SHA-256."),
           "RFC 9155; CA/Browser Forum BR 7.1.3"},
    Entry {FindingIds::CertChainIncomplete, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The server does not send its intermediate certificate"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The last certificate the server sent was issued by a certificate it did not send "
               "and that is not a trusted root. Clients that do not happen to have that "
               "intermediate cached cannot build a path to a root and will refuse the connection. "
               "Configure the server with the full chain file: its certificate first, then the "
               "intermediates (Postfix: smtpd_tls_chain_files; Dovecot: ssl_cert with the chain)."),
           "RFC 8446 s.4.4.2; RFC 5246 s.7.4.2"},
    Entry {FindingIds::CertChainOrder, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The certificate chain is sent in the wrong order"),
           QT_TRANSLATE_NOOP("Findings",
                             "Each certificate the server sends should be issued by the one that follows it, "
                             "starting with the server's own. Here the order is broken or a certificate that "
                             "belongs to no path is included. Strict clients refuse such a chain. Put the "
                             "server certificate first, then its issuer, and so on, in the chain file."),
           "RFC 5246 s.7.4.2; RFC 8446 s.4.4.2"},
    Entry {FindingIds::OcspRevoked, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server's certificate is revoked (stapled OCSP)"),
           QT_TRANSLATE_NOOP(
               "Findings", "The OCSP response the server stapled to the handshake says its own certificate "
                           "has been revoked by the issuer. Clients that check revocation refuse it. Install "
                           "a new certificate and make sure the server fetches fresh OCSP responses."),
           "RFC 6960; RFC 6066 s.8"},
    Entry {FindingIds::CertVerificationOverridden, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "Certificate errors were overridden by the user"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The certificate failed verification, and the run continued only because you chose "
               "to ignore that (--insecure). Everything after the handshake went to a server whose "
               "identity was not proven."),
           ""},
    Entry {FindingIds::CertTrustedByProfile, Severity::Info,
           QT_TRANSLATE_NOOP("Findings", "The certificate is trusted because your profile accepts it"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "No trusted certificate authority vouches for this certificate (it is self-signed or its "
               "chain is unknown), but you accepted this very certificate, by its SHA-256 fingerprint, "
               "in the profile. The run went on as if it were trusted. Its expiry and host name were "
               "still checked. If the server's certificate changes, the run fails again until you "
               "accept the new one: check the new fingerprint with the server's administrator first."),
           ""},
    Entry {FindingIds::ConnectionRefused, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The connection was refused"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "Nothing is listening on this port, or a firewall rejected the connection. Check the "
               "port number and that the mail service is running."),
           ""},
    Entry {FindingIds::ConnectionTimeout, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The connection timed out"),
           QT_TRANSLATE_NOOP("Findings",
                             "No answer came to the connection attempt. A firewall may be silently dropping "
                             "traffic (many providers block outgoing port 25), or the host is down."),
           ""},
    Entry {FindingIds::HostNotFound, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The host name could not be resolved"),
           QT_TRANSLATE_NOOP("Findings",
                             "DNS has no address for this name. Check the spelling and the DNS records."),
           ""},
    Entry {FindingIds::ServerClosedEarly, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server closed the connection early"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server hung up in the middle of the conversation. It may be overloaded, "
               "rate-limiting this address, or rejecting it by policy. The server's log says why."),
           ""},
    Entry {FindingIds::ServerTimeout, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server stopped answering"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server accepted the connection but sent no complete reply within the time "
               "limit. Some servers delay their banner on purpose to slow down spam; otherwise the "
               "server is overloaded or stuck."),
           ""},
    Entry {FindingIds::ImplicitTlsExpected, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "This port expects TLS at once: use implicit TLS"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server sent no greeting in plaintext, but it answered a TLS handshake on a new "
               "connection: this port speaks implicit TLS (like 465, 993 and 995), where the "
               "handshake comes first and the greeting only inside TLS. Nothing is wrong with the "
               "server; run the check again with implicit TLS (mailscope-cli: --tls implicit)."),
           "RFC 8314 s.3.3"},
    Entry {FindingIds::StartTlsExpected, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "This port greets in plaintext: use STARTTLS"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The TLS handshake at the start failed, but a new connection without TLS was greeted "
               "in plaintext: this port expects the client to upgrade with STARTTLS (like 25, 587, "
               "143 and 110), not TLS at once. Run the check again with STARTTLS "
               "(mailscope-cli: --tls starttls)."),
           "RFC 3207 s.4; RFC 8314 s.3.3"},
    Entry {FindingIds::WrongProtocol, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "Another protocol answers on this port"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server's first words belong to a different protocol than the one this check "
               "speaks, so its greeting could not be read. If it is another mail protocol, run the "
               "check again with that protocol (mailscope-cli: --protocol smtp, imap or pop3); if "
               "it is no mail protocol at all (a web or SSH server), the port number is wrong."),
           "RFC 5321 s.4.2; RFC 9051 s.7.1; RFC 1939 s.4"},
    Entry {
        FindingIds::ReplyMalformed, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server sent a malformed reply"),
        QT_TRANSLATE_NOOP("Findings",
                          "A reply did not follow the protocol's syntax, so Mailscope stopped rather than "
                          "guess. This may not be a mail server at all on this port, or something in between "
                          "is rewriting the traffic."),
        "RFC 5321 s.4.2"},
    Entry {FindingIds::ReplyTooLong, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server sent an overlong reply"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "A reply line or a multi-line reply exceeded any reasonable length. Mailscope stopped "
               "reading to protect itself. This is not a normal mail server's behaviour."),
           "RFC 5321 s.4.5.3.1.5"},
    Entry {FindingIds::ReplyOutOfSequence, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server's replies are out of step with the commands"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server answered something that is not a reply to what was sent, or spoke without "
               "being asked (for example a second greeting right after the TLS handshake). The "
               "conversation is out of step: every later reply would be taken as the answer to the "
               "wrong command, so nothing more the server says can be trusted. Mailscope closed the "
               "connection without sending anything more. A broken server or something in between "
               "that injects data can cause this; the detail shows what arrived and when."),
           "RFC 5321 s.4.3.2; RFC 9051 s.2.2.1; RFC 1939 s.3"},
    Entry {
        FindingIds::GreetingRejected, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server rejected the greeting"),
        QT_TRANSLATE_NOOP("Findings",
                          "The server refused the client's introduction. It may reject this client's address "
                          "or the host name it announced (--helo)."),
        "RFC 5321 s.4.1.1.1"},
    Entry {FindingIds::ServiceUnavailable, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server refuses service"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server's first words were a refusal (for example SMTP 554). It does not want to "
               "talk to this client; the reply usually says why."),
           "RFC 5321 s.3.1"},
    Entry {
        FindingIds::PlaintextSession, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The conversation continued without encryption"),
        QT_TRANSLATE_NOOP("Findings",
                          "TLS could not be used, and the opportunistic policy let the conversation go on in "
                          "clear text. Anyone on the path can read and alter it."),
        "RFC 3207; RFC 7435"},
    Entry {FindingIds::AuthFailed, Severity::Critical, QT_TRANSLATE_NOOP("Findings", "Authentication failed"),
           QT_TRANSLATE_NOOP(
               "Findings", "The server did not accept the login. The evidence holds the server's reply and, "
                           "where its code is known, what it means in plain words: a wrong password, an "
                           "application-specific password being required, TLS being required first, or a "
                           "temporary problem on the server."),
           "RFC 4954 s.6; RFC 5530; RFC 3206"},
    Entry {FindingIds::CredentialsSentInPlaintext, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The password was sent without encryption"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "Mailscope logged in over an unencrypted connection because the opportunistic "
               "policy allowed it. Anyone on the network path could read the password (or, for "
               "CRAM-MD5, capture enough to guess it offline). Treat the password as exposed if the "
               "path is not fully trusted, and make the server offer login only after TLS."),
           "RFC 8314 s.3; RFC 3207 s.5"},
    Entry {FindingIds::ImapPlaintextAlert, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The server sent an alert before encryption"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "An IMAP [ALERT] must be shown to the user word for word, and mail clients do so as "
               "if it came from the server. This one arrived over an unencrypted connection, so "
               "anyone on the path could have written it (a phishing message such as \"your "
               "password expired, log in at ...\"). Mailscope shows it, but do not trust it."),
           "RFC 9051 s.7.1; RFC 2595 s.3.1"},
    Entry {FindingIds::MailRejected, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The test message was rejected"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server refused the sender, a recipient or the message itself. The server's reply "
               "says why."),
           "RFC 5321 s.4.2.2"},
    Entry {FindingIds::MessageInvalid, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The test message could not be built"),
           QT_TRANSLATE_NOOP("Findings",
                             "Something in the message you composed (an address, a header, an attachment) "
                             "cannot go into a correct message. Nothing was sent. The detail says what to "
                             "change."),
           "RFC 5322; RFC 2045"},
    Entry {FindingIds::SmtpUtf8NotOffered, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "An internationalised address needs SMTPUTF8, which is not offered"),
           QT_TRANSLATE_NOOP("Findings",
                             "An address with non-ASCII characters can only travel to a server that offers "
                             "SMTPUTF8; there is no 7-bit form of it. Nothing was sent. Use an ASCII address "
                             "or a server with SMTPUTF8."),
           "RFC 6531 s.3.4"},
    Entry {FindingIds::MessageTooLarge, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The message is larger than the server accepts"),
           QT_TRANSLATE_NOOP("Findings",
                             "The server announced a maximum message size (SIZE) and the message is larger, "
                             "so Mailscope did not send it: the server would refuse it after the whole "
                             "transfer. Send a smaller message or raise the server's limit."),
           "RFC 1870 s.4"},
    Entry {FindingIds::RequireTlsNotOffered, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "REQUIRETLS was asked for and is not offered"),
           QT_TRANSLATE_NOOP(
               "Findings", "You asked that the message travel only over verified TLS all the way "
                           "(REQUIRETLS). This server does not offer it, so it cannot promise that, and the "
                           "message was not sent."),
           "RFC 8689 s.4.1"},
    Entry {FindingIds::SenderRefused, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server refused the sender"),
           QT_TRANSLATE_NOOP("Findings",
                             "MAIL FROM was refused, so no message could be sent. Common reasons: the "
                             "account may not send as this address, the sender's domain is not accepted, or "
                             "login is required first. The server's reply says why."),
           "RFC 5321 s.4.1.1.2"},
    Entry {FindingIds::RecipientRefused, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server refused a recipient"),
           QT_TRANSLATE_NOOP("Findings",
                             "RCPT TO was refused for this recipient, so the message will not reach it. The "
                             "server's reply says why."),
           "RFC 5321 s.4.1.1.3"},
    Entry {FindingIds::RecipientRelayDenied, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server will not relay to a recipient"),
           QT_TRANSLATE_NOOP(
               "Findings", "The recipient is not in a domain this server receives mail for, and the server "
                           "does not relay for this client. For a submission server, log in first (--user); "
                           "for a receiving server this refusal is correct."),
           "RFC 5321 s.3.6.1"},
    Entry {FindingIds::RecipientUnknown, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server does not know a recipient"),
           QT_TRANSLATE_NOOP("Findings",
                             "The server receives mail for the recipient's domain but has no such mailbox. "
                             "Check the address."),
           "RFC 3463 s.3.2 (X.1.1)"},
    Entry {FindingIds::RecipientGreylisted, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "A recipient was refused for now (temporary failure)"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "The server answered with a temporary failure (450/451) that says it is "
               "greylisting: it refuses mail from a sender it has not seen before and accepts it "
               "when a real mail server retries minutes later. Mailscope does not retry; send again "
               "later."),
           "RFC 6647 s.2.1; RFC 5321 s.4.2.5"},
    Entry {FindingIds::RecipientTooMany, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The server takes no more recipients in this message"),
           QT_TRANSLATE_NOOP(
               "Findings", "The server accepted as many recipients as it takes in one message and refused "
                           "this one for now (452, too many recipients). The message goes to the recipients "
                           "accepted before it; send another message to the rest."),
           "RFC 5321 s.4.5.3.1.10; RFC 3463 s.3.6 (X.5.3)"},
    Entry {
        FindingIds::RecipientDeferred, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server cannot take a recipient right now"),
        QT_TRANSLATE_NOOP("Findings",
                          "The server refused the recipient with a temporary failure that is not "
                          "greylisting, for example insufficient storage (452 4.3.1) or a lookup that failed "
                          "on its side. Nothing is wrong with the address as far as this says; send again "
                          "later. The server's reply says why."),
        "RFC 5321 s.4.2.5; RFC 3463 s.3.4 (X.3.1)"},
    Entry {FindingIds::MessageRefused, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The server refused the message after receiving it"),
           QT_TRANSLATE_NOOP("Findings",
                             "The envelope was accepted, but after the message itself the server refused it "
                             "(content filter, size, policy). It was not delivered. The server's reply says "
                             "why."),
           "RFC 5321 s.4.1.1.4"},
    Entry {FindingIds::DeliveryUnknown, Severity::Critical,
           QT_TRANSLATE_NOOP("Findings", "The connection was lost during the message: delivery unknown"),
           QT_TRANSLATE_NOOP("Findings",
                             "The connection ended after the message was sent and before the server's final "
                             "reply. Whether the server kept and will deliver the message is unknown: look "
                             "in the recipient's mailbox before sending again, or the message may arrive "
                             "twice."),
           "RFC 5321 s.4.1.1.4; RFC 1047"},
    Entry {
        FindingIds::RunCancelled, Severity::Info, QT_TRANSLATE_NOOP("Findings", "The run was stopped"),
        QT_TRANSLATE_NOOP("Findings", "You stopped the run before it finished; later steps did not happen."),
        ""},
    Entry {FindingIds::RunDeadlineReached, Severity::Warning,
           QT_TRANSLATE_NOOP("Findings", "The run deadline was reached"),
           QT_TRANSLATE_NOOP(
               "Findings",
               "A whole run has a time limit (mailscope-cli --deadline, default 120 s; the GUI's Run "
               "deadline), so that a server answering very slowly cannot hold it for ever. Tarpitting "
               "(waiting seconds before every reply) is a common anti-spam measure on MX hosts. The "
               "limit was reached before the check was complete: what was not done is listed in the "
               "detail, so this report is partial and its verdict is UNKNOWN unless something critical "
               "was found already. Allow more time to let the check finish, or a shorter --timeout to "
               "fail faster on a silent step."),
           ""},
};

/// Every unit of the catalogue, in the order ids() lists them.
const std::array<std::span<const Entry>, 3>& units()
{
    static const std::array<std::span<const Entry>, 3> all {std::span<const Entry>(entries),
                                                            domainCatalogue(), tlsSuiteCatalogue()};
    return all;
}

const Entry* entryFor(const QString& id)
{
    for (const std::span<const Entry> unit : units()) {
        for (const Entry& e : unit) {
            if (id == e.id)
                return &e;
        }
    }
    return nullptr;
}

} // namespace

Finding FindingCatalogue::make(const QString& id, const QString& detail, std::optional<Severity> severity)
{
    Finding f;
    f.id = id;
    f.detail = detail;
    if (const Entry* e = entryFor(id)) {
        f.severity = severity.value_or(e->severity);
        f.title = QCoreApplication::translate("Findings", e->title);
        f.explanation = QCoreApplication::translate("Findings", e->explanation);
        f.reference = QString::fromLatin1(e->reference);
    } else {
        // Unknown ids are a programming error; keep the evidence rather than losing it.
        f.severity = severity.value_or(Severity::Warning);
        f.title = id;
    }
    return f;
}

bool FindingCatalogue::contains(const QString& id) { return entryFor(id) != nullptr; }

QStringList FindingCatalogue::ids()
{
    QStringList list;
    for (const std::span<const Entry> unit : units()) {
        for (const Entry& e : unit)
            list.append(QString(e.id));
    }
    return list;
}

Severity FindingCatalogue::defaultSeverity(const QString& id)
{
    const Entry* e = entryFor(id);
    return e ? e->severity : Severity::Warning;
}

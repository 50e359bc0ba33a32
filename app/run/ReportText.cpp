#include "ReportText.h"

#include "TerminalText.h"
#include "tls/SuiteRating.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ReportText", text); }

/// Text a server, a certificate or a name lookup controls, made inert for a terminal. Every such
/// value passes through here (or through Writer::field/wrapped, which call it); the report's own
/// colours are added around it afterwards.
QString safe(const QString& text) { return TerminalText::escaped(text); }

class Writer
{
public:
    explicit Writer(const ReportText::Options& options)
        : m_options(options)
    {
    }

    QString paint(const QString& text, const char* code) const
    {
        if (!m_options.color)
            return text;
        return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
    }
    QString bold(const QString& t) const { return paint(t, "1"); }

    QString statusMark(StepStatus s) const
    {
        switch (s) {
        case StepStatus::Ok:
            return paint(QStringLiteral("ok  "), "32");
        case StepStatus::Warning:
            return paint(QStringLiteral("warn"), "33");
        case StepStatus::Failed:
            return paint(QStringLiteral("FAIL"), "31;1");
        case StepStatus::Skipped:
            return paint(QStringLiteral("skip"), "2");
        case StepStatus::Pending:
        case StepStatus::Running:
            break;
        }
        return QStringLiteral("... ");
    }

    QString severityMark(Severity s) const
    {
        switch (s) {
        case Severity::Critical:
            return paint(QStringLiteral("CRITICAL"), "31;1");
        case Severity::Warning:
            return paint(QStringLiteral("WARNING "), "33;1");
        case Severity::Info:
            break;
        }
        return paint(QStringLiteral("INFO    "), "36");
    }

    void heading(const QString& title) { m_out += QLatin1Char('\n') + bold(title) + QLatin1Char('\n'); }
    void line(const QString& text) { m_out += text + QLatin1Char('\n'); }
    /// `value` is escaped here; pass it raw.
    void field(const QString& name, const QString& value) { paintedField(name, safe(value)); }
    /// For a value already escaped (and perhaps painted).
    void paintedField(const QString& name, const QString& value)
    {
        if (!value.isEmpty())
            line(QStringLiteral("  %1 %2").arg(name.leftJustified(20), value));
    }

    /// Word-wraps `text` with the given indent. Escape server text before (safe()) so that its
    /// line breaks show as \r\n rather than vanish as spaces; each word is escaped again here, a
    /// guard that costs nothing (escaping is idempotent: a backslash is never escaped).
    void wrapped(const QString& text, int indent)
    {
        const QString pad(indent, QLatin1Char(' '));
        QString current;
        // Any whitespace (also line breaks in evidence) separates words: every line gets the indent.
        static const QRegularExpression space(QStringLiteral("\\s+"));
        const QStringList words = text.split(space, Qt::SkipEmptyParts);
        for (const QString& raw : words) {
            const QString w = safe(raw);
            if (!current.isEmpty() && indent + current.size() + 1 + w.size() > m_options.width) {
                line(pad + current);
                current.clear();
            }
            current += (current.isEmpty() ? QString() : QStringLiteral(" ")) + w;
        }
        if (!current.isEmpty())
            line(pad + current);
    }

    QString result() const { return m_out; }
    const ReportText::Options& options() const { return m_options; }

private:
    ReportText::Options m_options;
    QString m_out;
};

QString versionMark(const Writer& w, const QString& version, const QString& status)
{
    const bool legacy = version == QLatin1String("TLSv1.0") || version == QLatin1String("TLSv1.1")
                        || version.startsWith(QLatin1String("SSLv"));
    if (status == QLatin1String("accepted"))
        return legacy ? w.paint(QStringLiteral("accepted   "), "31;1")
                      : w.paint(QStringLiteral("accepted   "), "32");
    if (status == QLatin1String("rejected"))
        return legacy ? w.paint(QStringLiteral("rejected   "), "32")
                      : w.paint(QStringLiteral("rejected   "), "33");
    if (status == QLatin1String("unavailable-locally"))
        return w.paint(QStringLiteral("not tested "), "2");
    return w.paint(safe(status).leftJustified(11), "33");
}

/// One line per accepted suite: its name, rating, the DH size or group, and why it is rated
/// below acceptable ("  3 RC4-SHA   INSECURE  RC4, prohibited by RFC 7465; no forward secrecy").
void renderSuites(Writer& w, const QString& version, const QList<AcceptedSuite>& suites)
{
    for (int i = 0; i < suites.size(); ++i) {
        const RatedSuite r = SuiteRating::rate(suites.at(i), version);
        const SuiteClass rating = r.rating.value_or(SuiteClass::Acceptable);
        QString word = r.rating ? CipherSuiteTable::className(rating) : tr("unknown");
        if (rating <= SuiteClass::Weak)
            word = word.toUpper();
        QStringList notes;
        if (r.suite.dhBits > 0)
            notes.append(tr("DH %1 bits").arg(r.suite.dhBits));
        if (!r.suite.group.isEmpty())
            notes.append(safe(r.suite.group));
        if (rating <= SuiteClass::Weak)
            notes.append(safe(r.reasons.join(QStringLiteral("; "))));
        const QString text =
            QStringLiteral("    %1 %2 %3")
                .arg(QString::number(i + 1).rightJustified(2), safe(r.name).leftJustified(40),
                     notes.isEmpty()
                         ? word
                         : word.leftJustified(11) + QLatin1Char(' ') + notes.join(QStringLiteral(", ")));
        w.line(rating == SuiteClass::Insecure ? w.paint(text, "31")
               : rating == SuiteClass::Weak   ? w.paint(text, "33")
                                              : text);
    }
}

/// Names only (a report saved before suites were recorded): weak ones marked with their reason.
void renderCipherNames(Writer& w, const QStringList& names, const QStringList& weak)
{
    for (int i = 0; i < names.size(); ++i) {
        const QString& c = names.at(i);
        QString reason;
        for (const QString& entry : weak) {
            if (entry.startsWith(c + QLatin1String(" (")))
                reason = entry.mid(c.size() + 2).chopped(1);
        }
        const QString row =
            QStringLiteral("    %1 %2").arg(QString::number(i + 1).rightJustified(2), safe(c));
        w.line(reason.isEmpty()
                   ? row
                   : w.paint(row + QStringLiteral("  ") + tr("WEAK: %1").arg(safe(reason)), "33"));
    }
}

/// The version matrix, the accepted ciphers per version (weak ones marked), the injection and
/// OCSP probes.
void renderAudit(Writer& w, const Run& run)
{
    const TlsAuditInfo audit = run.tlsAudit.value_or(TlsAuditInfo());
    if (!run.tlsVersions.isEmpty()) {
        w.heading(tr("TLS versions"));
        for (auto it = run.tlsVersions.cbegin(); it != run.tlsVersions.cend(); ++it) {
            const QString detail = safe(audit.versionDetails.value(it.key()));
            QString text = versionMark(w, it.key(), it.value());
            if (it.value() == QLatin1String("accepted") && !detail.isEmpty())
                text += tr("with %1").arg(detail);
            else if (!detail.isEmpty())
                text += detail;
            w.line(QStringLiteral("  %1 %2").arg(safe(it.key()).leftJustified(8), text));
        }
    }
    QStringList cipherVersions = run.ciphers.keys();
    for (const QString& v : audit.suites.keys()) {
        if (!cipherVersions.contains(v))
            cipherVersions.append(v);
    }
    cipherVersions.sort();
    if (!cipherVersions.isEmpty()) {
        w.heading(tr("Accepted ciphers"));
        for (const QString& version : std::as_const(cipherVersions)) {
            const QList<AcceptedSuite> suites = audit.suites.value(version);
            const QStringList names = run.ciphers.value(version);
            const bool rated = audit.suites.contains(version);
            const int count = int(rated ? suites.size() : names.size());
            const QString order = audit.cipherOrder.value(version);
            QString orderText;
            if (order == QLatin1String("server"))
                orderText = tr("in the server's order of preference");
            else if (order == QLatin1String("client"))
                orderText = tr("the server follows the client's order");
            w.line(QStringLiteral("  %1 %2").arg(
                       w.bold(safe(version)),
                       QCoreApplication::translate("ReportText", "%n cipher(s)", nullptr, count))
                   + (orderText.isEmpty() ? QString() : QStringLiteral(", ") + orderText));
            if (rated)
                renderSuites(w, version, suites);
            else
                renderCipherNames(w, names, audit.weakCiphers.value(version));
        }
    }
    if (!audit.commandInjection.isEmpty() || !audit.ocsp.isEmpty()) {
        w.heading(tr("TLS probes"));
        if (!audit.commandInjection.isEmpty()) {
            const bool bad = audit.commandInjection == QLatin1String("vulnerable");
            w.paintedField(tr("Command injection"),
                           bad ? w.paint(tr("VULNERABLE"), "31;1") : safe(audit.commandInjection));
            // Escaped before wrapping, so that line breaks in the evidence show as \r\n.
            if (!audit.commandInjectionDetail.isEmpty())
                w.wrapped(safe(audit.commandInjectionDetail), 23);
        }
        if (!audit.ocsp.isEmpty())
            w.field(tr("OCSP stapling"), audit.ocsp);
    }
    if (audit.probeCount > 0)
        w.line(QStringLiteral("  ")
               + QCoreApplication::translate("ReportText", "%n probe(s), %1 ms", nullptr, audit.probeCount)
                     .arg(audit.durationMs));
    // A partial audit (the run deadline) says what it did not get to, not just what it found.
    if (!audit.unfinished.isEmpty())
        w.field(tr("Not finished"), audit.unfinished.join(QStringLiteral(", ")));
    // No TLS answer even after retries: the lists above are incomplete, and this says where.
    if (!audit.untested.isEmpty())
        w.field(tr("Incomplete, not tested"), audit.untested.join(QStringLiteral("; ")));
}

} // namespace

QString ReportText::render(const Run& run, const Options& options)
{
    Writer w(options);
    const RunTarget& t = run.target;
    w.line(w.bold(tr("Mailscope %1: %2 check of %3:%4")
                      .arg(QStringLiteral(MAILSCOPE_VERSION), displayName(t.protocol), safe(t.host))
                      .arg(t.port)));
    w.line(tr("TLS mode %1, policy %2; started %3, took %4 ms")
               .arg(toKey(t.tls), toKey(t.policy), run.startedAt.toUTC().toString(Qt::ISODate))
               .arg(run.durationMs));
    if (run.secretsShown)
        w.line(w.bold(tr(
            "SECRETS SHOWN: this report contains credentials in clear (--show-secrets). Do not share it.")));

    w.heading(tr("Steps"));
    for (const StepRecord& s : run.steps) {
        w.line(QStringLiteral("  %1 %2 %3  %4")
                   .arg(w.statusMark(s.status), toKey(s.id).leftJustified(13),
                        QStringLiteral("%1 ms").arg(s.durationMs).rightJustified(8), safe(s.summary)));
    }

    if (run.tls) {
        const TlsFacts& f = *run.tls;
        w.heading(tr("TLS"));
        w.field(tr("Protocol"), f.protocol);
        w.field(tr("Cipher"), f.cipher);
        w.field(tr("Key exchange"), f.keyExchange);
        w.field(tr("Server key share"), f.ephemeralKey);
        w.field(tr("Certificate"), f.verified ? tr("verified")
                                   : f.trustedByProfile
                                       ? tr("trusted by your profile (you accepted this certificate)")
                                   : f.verificationOverridden ? tr("NOT trusted (overridden by the user)")
                                                              : tr("NOT trusted"));
        for (const QString& e : f.errors)
            w.field(QString(), e);
    }
    if (!run.tlsVersions.isEmpty() || !run.ciphers.isEmpty() || run.tlsAudit)
        renderAudit(w, run);
    if (!run.certificates.isEmpty()) {
        w.heading(tr("Certificate chain (as sent by the server)"));
        for (int i = 0; i < run.certificates.size(); ++i) {
            const CertificateInfo& c = run.certificates.at(i);
            w.line(QStringLiteral("  [%1] %2").arg(i).arg(safe(c.subject)));
            w.field(tr("  Issuer"), c.issuer);
            w.field(tr("  Names (DNS)"), c.sanDns.join(QStringLiteral(", ")));
            w.field(tr("  Names (IP)"), c.sanIp.join(QStringLiteral(", ")));
            w.field(tr("  Valid"),
                    tr("%1 to %2 (%3 days left)")
                        .arg(c.notBefore.toString(Qt::ISODate), c.notAfter.toString(Qt::ISODate))
                        .arg(c.daysLeft));
            w.field(tr("  Key"), QStringLiteral("%1 %2 bits").arg(c.keyAlgorithm).arg(c.keyBits));
            w.field(tr("  Signature"), c.signatureAlgorithm);
            w.field(tr("  Serial"), c.serial);
            w.field(tr("  SHA-256"), c.sha256);
            for (const QString& e : c.errors)
                w.field(tr("  Problem"), e);
        }
    }
    if (!run.capabilitiesPlain.isEmpty() || !run.capabilitiesTls.isEmpty()) {
        w.heading(tr("Capabilities"));
        w.field(tr("Before TLS"), run.capabilitiesPlain.join(QStringLiteral(", ")));
        w.field(tr("Over TLS"), run.capabilitiesTls.join(QStringLiteral(", ")));
    }

    w.heading(tr("Findings"));
    if (run.findings.isEmpty())
        w.line(tr("  None: nothing wrong was found."));
    for (const Finding& f : run.findings) {
        w.line(QStringLiteral("  %1 %2  [%3]")
                   .arg(w.severityMark(f.severity), w.bold(safe(f.title)), safe(f.id)));
        w.wrapped(safe(f.explanation), 11);
        if (!f.detail.isEmpty())
            w.wrapped(tr("Evidence: %1").arg(safe(f.detail)), 11);
        if (!f.reference.isEmpty())
            w.line(QStringLiteral("           ") + tr("See: %1").arg(safe(f.reference)));
    }

    if (options.transcript && !run.transcript.isEmpty()) {
        w.heading(tr("Transcript"));
        for (const TranscriptEntry& e : run.transcript) {
            const QString time = QStringLiteral("%1 ms").arg(e.tMs).rightJustified(9);
            const QString lock = e.tls ? QStringLiteral("TLS") : QStringLiteral("   ");
            const QString marker = e.dir == 'I'
                                       ? QStringLiteral(" *")
                                       : QStringLiteral("%1:").arg(safe(QString(QLatin1Char(e.dir))));
            QString text =
                e.discarded ? tr("[discarded, never processed] %1").arg(safe(e.text)) : safe(e.text);
            if (e.discarded && e.bytes > 0)
                text += QStringLiteral("  ")
                        + tr("(%1 bytes, %2 lines%3)")
                              .arg(e.bytes)
                              .arg(e.lines)
                              .arg(e.truncated ? tr("; only the beginning is kept") : QString());
            QString row = QStringLiteral("  %1 %2 %3 %4").arg(time, lock, marker, text);
            if (e.dir == 'C')
                row = w.paint(row, "36");
            else if (e.dir == 'I')
                row = w.paint(row, "2");
            else if (e.discarded)
                row = w.paint(row, "31");
            w.line(row);
        }
    }

    const RunTruncation& cut = run.truncation;
    if (cut.any()) {
        // RunLimits: the server sent more than a report keeps; say what was left out.
        w.heading(tr("Cut to keep this report bounded"));
        if (cut.transcriptLinesOmitted > 0)
            w.line(tr("  %1 server line(s) (%2 bytes) counted but not recorded")
                       .arg(cut.transcriptLinesOmitted)
                       .arg(cut.transcriptBytesOmitted));
        if (cut.textsClipped > 0)
            w.line(tr("  %1 text(s) shortened (marked \"…\" where cut)").arg(cut.textsClipped));
        if (cut.capabilitiesOmitted > 0)
            w.line(tr("  %1 capabilit(y/ies) left out").arg(cut.capabilitiesOmitted));
        if (cut.certificateNamesOmitted > 0)
            w.line(tr("  %1 certificate name(s) or error(s) left out").arg(cut.certificateNamesOmitted));
        if (cut.alertsOmitted > 0)
            w.line(tr("  %1 server alert(s) left out").arg(cut.alertsOmitted));
    }

    w.heading(tr("Verdict: %1").arg(toKey(run.verdict()).toUpper()));
    if (run.suggestion) {
        // Last, where a terminal user looks first: what to run instead.
        w.heading(tr("Try instead"));
        w.wrapped(run.suggestion->reason, 2);
        const QString command = options.rerunCommand.isEmpty()
                                    ? QStringLiteral("--protocol %1 --tls %2")
                                          .arg(toKey(run.suggestion->protocol), toKey(run.suggestion->tls))
                                    : options.rerunCommand;
        // The arguments are the user's, but a pasted one may hold control characters too.
        w.line(QStringLiteral("  ") + w.bold(TerminalText::escaped(command)));
    }
    return w.result();
}

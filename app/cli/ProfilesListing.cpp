#include "ProfilesListing.h"

#include "profiles/ProfileStore.h"
#include "profiles/ProviderPresets.h"
#include "run/TerminalText.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ProfilesCommand", text); }

} // namespace

QString ProfilesListing::describeTarget(const ServerProfile& p)
{
    if (p.isDomain()) {
        QString how = p.demoDomain ? QStringLiteral(" (demo)") : QString();
        if (!p.dnsServer.isEmpty())
            how += QStringLiteral(" dns %1").arg(p.dnsServer);
        if (!p.trustAnchorFile.isEmpty())
            how += QStringLiteral(" trust-anchor %1").arg(p.trustAnchorFile);
        return p.domain + how;
    }
    return QStringLiteral("%1 %2 %3:%4").arg(toKey(p.protocol), toKey(p.tls), p.host).arg(p.port);
}

void ProfilesListing::printProfile(const ServerProfile& p, QTextStream& out)
{
    const auto field = [&out](const QString& label, const QString& value) {
        // Profiles can come from an imported file: nothing in them may act on the terminal.
        out << (label + QLatin1Char(':')).leftJustified(15) << TerminalText::escaped(value) << '\n';
    };
    field(tr("Name"), p.name);
    if (p.isDomain()) {
        field(tr("Kind"), tr("mail domain"));
        field(tr("Domain"), p.domain);
        field(tr("DNS"), p.demoDomain ? tr("the demo's domains, answered inside Mailscope (no network)")
                         : p.dnsServer.isEmpty() ? tr("the system's resolvers")
                                                 : tr("asks %1").arg(p.dnsServer));
        if (!p.demoDomain)
            field(tr("Trust anchor"),
                  p.trustAnchorFile.isEmpty() ? tr("the root's (dns-root-data)") : p.trustAnchorFile);
        if (!p.notes.isEmpty())
            field(tr("Notes"), p.notes);
        out << '\n' << tr("Check it: mailscope-cli domain --profile \"%1\"").arg(p.name) << '\n';
        return;
    }
    field(tr("Kind"), tr("server"));
    field(tr("Server"), QStringLiteral("%1:%2 (%3, TLS %4, policy %5)")
                            .arg(p.host)
                            .arg(p.port)
                            .arg(displayName(p.protocol), toKey(p.tls), toKey(p.policy)));
    field(tr("EHLO name"), p.heloName);
    field(tr("Login"), p.user.isEmpty()
                           ? tr("none")
                           : tr("%1 (mechanism %2), password %3")
                                 .arg(p.user, p.authMechanism,
                                      p.passwordStored ? tr("in the keychain") : tr("not stored")));
    QStringList trust;
    for (const QString& f : p.caFiles)
        trust.append(tr("CA file %1").arg(f));
    for (const AcceptedCertificate& c : p.acceptedCertificates)
        trust.append(
            tr("accepted certificate SHA-256 %1%2")
                .arg(c.sha256, c.subject.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(c.subject)));
    if (p.insecure)
        trust.append(tr("certificate errors overridden (--insecure)"));
    field(tr("Trust"), trust.isEmpty() ? tr("system CAs only") : trust.join(QStringLiteral("; ")));
    field(tr("Timeout"), tr("%1 s per step").arg(p.stepTimeoutMs / 1000.0));
    if (p.stopAfter)
        field(tr("Stop after"), toKey(*p.stopAfter));
    QStringList audit;
    if (p.audit.versions)
        audit.append(QStringLiteral("tls-versions"));
    if (p.audit.ciphers)
        audit.append(QStringLiteral("ciphers"));
    if (p.audit.commandInjection)
        audit.append(QStringLiteral("injection-test"));
    if (p.audit.ocsp)
        audit.append(QStringLiteral("ocsp"));
    if (!audit.isEmpty())
        field(tr("Audit"), audit.join(QStringLiteral(", ")));
    if (!p.mailFrom.isEmpty() || !p.rcptTo.isEmpty())
        field(tr("Test message"), tr("from %1 to %2").arg(p.mailFrom, p.rcptTo.join(QStringLiteral(", "))));
    if (!p.notes.isEmpty())
        field(tr("Notes"), p.notes);
    out << '\n' << tr("Check it: mailscope-cli check --profile \"%1\"").arg(p.name) << '\n';
}

void ProfilesListing::printList(const ProfileStore& store, bool json, QTextStream& out)
{
    if (json) {
        QJsonArray all;
        for (const ServerProfile& p : store.profiles())
            all.append(p.toJson());
        out << QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Indented));
        return;
    }
    if (store.profiles().isEmpty()) {
        out << tr("No profiles yet. Add one: mailscope-cli profiles add NAME HOST[:PORT] [options]") << '\n';
        return;
    }
    qsizetype width = 0;
    for (const ServerProfile& p : store.profiles())
        width = std::max(width, p.name.size());
    for (const ServerProfile& p : store.profiles()) {
        out << TerminalText::escaped(p.name).leftJustified(width + 2)
            << ServerProfile::kindKey(p.kind).leftJustified(8) << TerminalText::escaped(describeTarget(p));
        if (!p.user.isEmpty())
            out << "  " << tr("as %1").arg(TerminalText::escaped(p.user));
        out << '\n';
    }
}

void ProfilesListing::printPresets(QTextStream& out)
{
    for (const ProviderPreset& p : ProviderPresets::all()) {
        out << p.id.leftJustified(14) << p.name << '\n';
        for (const PresetService& s : p.services)
            out << "    " << (p.id + QLatin1Char(':') + s.key).leftJustified(24) << toKey(s.protocol) << ' '
                << toKey(s.tls) << ' ' << s.host << ':' << s.port << '\n';
        out << "    " << p.note << '\n';
    }
    out << '\n' << tr("Use one: mailscope-cli profiles add NAME --preset gmail[:imaps] --user U") << '\n';
}

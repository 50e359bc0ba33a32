#include "TlsSuiteFindings.h"

#include "findings/TlsSuiteCatalogue.h"
#include "tls/CipherSuiteTable.h"
#include "tls/SuiteRating.h"
#include "TlsAudit.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <QCoreApplication>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSuites, "mailscope.tls.suites", QtInfoMsg)

namespace {

QString tr(const char* text) { return QCoreApplication::translate("TlsSuiteFindings", text); }

bool is(const char* field, const char* value) { return std::strcmp(field, value) == 0; }

/// The suite classes with a finding of their own, in the order findings are listed.
enum Class
{
    Null,
    Anonymous,
    Export,
    Rc4,
    Des,
    Block64,
    CbcLegacyVersion,
    NoForwardSecrecy,
    ClassCount
};

constexpr std::array<QLatin1String, ClassCount> kClassIds {
    FindingIds::TlsCipherNull,
    FindingIds::TlsCipherAnonymous,
    FindingIds::TlsCipherExport,
    FindingIds::TlsCipherRc4,
    FindingIds::TlsCipherDes,
    FindingIds::TlsCipher64BitBlock,
    FindingIds::TlsCipherCbcLegacyVersion,
    FindingIds::TlsCipherNoForwardSecrecy,
};

/// Which classes `s`, accepted with `version`, belongs to.
std::array<bool, ClassCount> classesOf(const CipherSuiteInfo& s, const QString& version)
{
    std::array<bool, ClassCount> in {};
    const bool null = is(s.encryption, "None");
    const bool anonymous = CipherSuiteTable::anonymous(s);
    in[Null] = null;
    in[Anonymous] = anonymous;
    in[Export] = s.exportGrade;
    in[Rc4] = is(s.encryption, "RC4");
    // Export DES and RC2 are the export finding's: 40 bits, not 56.
    in[Des] = !s.exportGrade && (is(s.encryption, "DES") || is(s.encryption, "RC2"));
    in[Block64] = is(s.encryption, "3DES") || is(s.encryption, "IDEA");
    // SSL 3.0's CBC problem is POODLE, the SSL 3.0 finding's.
    in[CbcLegacyVersion] = CipherSuiteTable::cbc(s)
                           && (version == QLatin1String("TLSv1.0") || version == QLatin1String("TLSv1.1"));
    // Anonymous, NULL and export suites have graver findings of their own.
    in[NoForwardSecrecy] = !CipherSuiteTable::forwardSecret(s) && !anonymous && !null && !s.exportGrade;
    return in;
}

bool critical(const std::array<bool, ClassCount>& in)
{
    return in[Null] || in[Anonymous] || in[Export] || in[Rc4] || in[Des];
}

/// Evidence collected per version: names (with a note) in the server's order.
using Evidence = QMap<QString, QStringList>;

QString namesText(const QStringList& names)
{
    if (names.size() <= TlsSuiteFindings::EvidenceNames)
        return names.join(QStringLiteral(", "));
    const qsizetype more = names.size() - TlsSuiteFindings::EvidenceNames;
    return names.mid(0, TlsSuiteFindings::EvidenceNames).join(QStringLiteral(", ")) + QStringLiteral(", ")
           + QCoreApplication::translate("TlsSuiteFindings", "and %n more", nullptr, int(more));
}

/// "TLSv1.0, TLSv1.1: A, B; TLSv1.2: A": versions with the same list share a line, oldest first.
QString evidenceText(const Evidence& evidence)
{
    QList<std::pair<QStringList, QStringList>> groups; // versions, names
    for (auto it = evidence.cbegin(); it != evidence.cend(); ++it) {
        auto same =
            std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.second == *it; });
        if (same != groups.end())
            same->first.append(it.key());
        else
            groups.append({{it.key()}, it.value()});
    }
    QStringList parts;
    for (const auto& [versions, names] : std::as_const(groups))
        parts.append(QStringLiteral("%1: %2").arg(versions.join(QStringLiteral(", ")), namesText(names)));
    return parts.join(QStringLiteral("; "));
}

void versionFinding(QList<Finding>& out, const QLatin1String& id, const QString& version,
                    const TlsSuiteFindings::SuitesByVersion& suites, const QMap<QString, QString>& status)
{
    const QList<AcceptedSuite> list = suites.value(version);
    if (list.isEmpty() && status.value(version) != QLatin1String("accepted"))
        return;
    QStringList names;
    for (const AcceptedSuite& s : list)
        names.append(SuiteRating::rate(s, version).name);
    out.append(FindingCatalogue::make(id, names.isEmpty()
                                              ? tr("%1 accepted").arg(version)
                                              : tr("%1 accepted with: %2").arg(version, namesText(names))));
}

} // namespace

QList<Finding> TlsSuiteFindings::evaluate(const SuitesByVersion& suites,
                                          const QMap<QString, QStringList>& groups,
                                          const QMap<QString, QString>& versionStatus)
{
    QList<Finding> out;
    versionFinding(out, FindingIds::TlsSslV2Accepted, QStringLiteral("SSLv2"), suites, versionStatus);
    versionFinding(out, FindingIds::TlsSslV3Accepted, QStringLiteral("SSLv3"), suites, versionStatus);

    std::array<Evidence, ClassCount> classEvidence;
    Evidence dhInsecure;
    Evidence dhWeak;
    Evidence otherWeak;
    bool otherInsecure = false;
    QMap<QString, QStringList> weakGroups; // group -> versions
    for (auto it = suites.cbegin(); it != suites.cend(); ++it) {
        const QString& version = it.key();
        // SSL 2.0's cipher kinds are evidence of the SSL 2.0 finding only: a code space of its own.
        if (version == QLatin1String("SSLv2"))
            continue;
        for (const AcceptedSuite& suite : it.value()) {
            const RatedSuite rated = SuiteRating::rate(suite, version);
            if (!rated.info)
                continue; // a code the registry does not know: nothing to say about it
            const CipherSuiteInfo& info = *rated.info;
            const std::array<bool, ClassCount> in = classesOf(info, version);
            for (int c = 0; c < ClassCount; ++c) {
                if (in[c])
                    classEvidence[c][version].append(rated.name);
            }
            if (suite.dhBits > 0 && suite.dhBits < SuiteRating::MinimumDhBits && !info.exportGrade) {
                const QString entry = tr("%1 (%2 bits)").arg(rated.name).arg(suite.dhBits);
                (suite.dhBits < SuiteRating::InsecureDhBits ? dhInsecure : dhWeak)[version].append(entry);
            }
            if (!SuiteRating::groupWeakness(suite.group).isEmpty()
                && !weakGroups.value(suite.group).contains(version))
                weakGroups[suite.group].append(version);
            // What no class covers: a suite the table rates below acceptable for another reason
            // (GOST-MD5), or an MD5 MAC beside a merely weak class (KRB5-DES-CBC3-MD5).
            const SuiteClass own = CipherSuiteTable::classify(info);
            const bool anyClass = std::find(in.cbegin(), in.cend(), true) != in.cend();
            if ((own <= SuiteClass::Weak && !anyClass) || (is(info.mac, "MD5") && !critical(in))) {
                otherWeak[version].append(
                    QStringLiteral("%1 (%2)").arg(rated.name, rated.reasons.join(QStringLiteral("; "))));
                otherInsecure = otherInsecure || own == SuiteClass::Insecure;
            }
        }
    }
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        for (const QString& g : it.value()) {
            if (!SuiteRating::groupWeakness(g).isEmpty() && !weakGroups.value(g).contains(it.key()))
                weakGroups[g].append(it.key());
        }
    }

    for (int c = 0; c < ClassCount; ++c) {
        if (!classEvidence[c].isEmpty())
            out.append(FindingCatalogue::make(kClassIds[c], evidenceText(classEvidence[c])));
    }
    if (!dhInsecure.isEmpty())
        out.append(FindingCatalogue::make(FindingIds::TlsDhInsecure, evidenceText(dhInsecure)));
    if (!dhWeak.isEmpty())
        out.append(FindingCatalogue::make(FindingIds::TlsDhWeak, evidenceText(dhWeak)));
    if (!weakGroups.isEmpty()) {
        QStringList parts;
        for (auto it = weakGroups.cbegin(); it != weakGroups.cend(); ++it) {
            QStringList versions = it.value();
            versions.sort();
            parts.append(tr("%1 (with %2)")
                             .arg(SuiteRating::groupWeakness(it.key()), versions.join(QStringLiteral(", "))));
        }
        out.append(FindingCatalogue::make(FindingIds::TlsGroupWeak, parts.join(QStringLiteral("; "))));
    }
    if (!otherWeak.isEmpty())
        out.append(FindingCatalogue::make(FindingIds::TlsWeakCipher, evidenceText(otherWeak),
                                          otherInsecure ? std::optional(Severity::Critical) : std::nullopt));
    return out;
}

QList<Finding> TlsSuiteFindings::merge(const TlsAuditResult& r, Run& run, TlsAuditInfo& info)
{
    SuitesByVersion suites = r.suites;
    for (auto it = r.ciphers.cbegin(); it != r.ciphers.cend(); ++it) {
        run.ciphers.insert(it.key(), it.value());
        if (suites.contains(it.key()))
            continue;
        QStringList unknown;
        const QList<AcceptedSuite> named = fromNames(it.value(), it.key(), &unknown);
        if (!named.isEmpty())
            suites.insert(it.key(), named);
        if (unknown.isEmpty())
            info.suites.insert(it.key(), named);
        else
            qCWarning(lcSuites).noquote()
                << it.key() << "suites not in the registry, not rated:" << unknown.join(QLatin1Char(' '));
    }
    for (auto it = r.suites.cbegin(); it != r.suites.cend(); ++it) {
        info.suites.insert(it.key(), it.value());
        if (!run.ciphers.contains(it.key())) {
            QStringList names;
            for (const AcceptedSuite& s : it.value())
                names.append(SuiteRating::rate(s, it.key()).name);
            run.ciphers.insert(it.key(), names);
        }
    }
    for (auto it = suites.cbegin(); it != suites.cend(); ++it) {
        const QStringList weak = weakList(it.value(), it.key());
        if (!weak.isEmpty())
            info.weakCiphers.insert(it.key(), weak);
    }
    info.groups = r.groups;
    return evaluate(suites, r.groups, run.tlsVersions);
}

QList<AcceptedSuite> TlsSuiteFindings::fromNames(const QStringList& names, const QString& versionName,
                                                 QStringList* unknown)
{
    const bool sslV2 = versionName == QLatin1String("SSLv2");
    QList<AcceptedSuite> out;
    for (const QString& name : names) {
        if (const CipherSuiteInfo* s = CipherSuiteTable::findByName(name, sslV2))
            out.append(AcceptedSuite {s->code, 0, {}});
        else if (unknown)
            unknown->append(name);
    }
    return out;
}

QStringList TlsSuiteFindings::weakList(const QList<AcceptedSuite>& suites, const QString& versionName)
{
    QStringList out;
    for (const AcceptedSuite& s : suites) {
        const RatedSuite r = SuiteRating::rate(s, versionName);
        if (r.rating && *r.rating <= SuiteClass::Weak)
            out.append(QStringLiteral("%1 (%2)").arg(r.name, r.reasons.join(QStringLiteral("; "))));
    }
    return out;
}

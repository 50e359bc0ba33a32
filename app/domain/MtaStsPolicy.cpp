#include "MtaStsPolicy.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUrl>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("MtaSts", text); }

/// The records at a name that start with `version` (e.g. "v=STSv1"); the rest are someone else's.
QList<QByteArray> recordsOf(const QList<QByteArray>& txt, const QByteArray& version)
{
    QList<QByteArray> out;
    for (const QByteArray& r : txt) {
        const QByteArray head = r.trimmed();
        if (head == version || head.startsWith(version + ';') || head.startsWith(version + ' ')
            || head.startsWith(version + '\t'))
            out.append(head);
    }
    return out;
}

/// "k=v; k=v" fields (RFC 8461 s.3.1 / RFC 8460 s.3: field-delim is ";" with optional WSP).
QList<std::pair<QByteArray, QByteArray>> fields(const QByteArray& record, bool* ok)
{
    QList<std::pair<QByteArray, QByteArray>> out;
    *ok = true;
    for (const QByteArray& part : record.split(';')) {
        const QByteArray f = part.trimmed();
        if (f.isEmpty())
            continue;
        const qsizetype eq = f.indexOf('=');
        if (eq <= 0) {
            *ok = false;
            return out;
        }
        out.append({f.left(eq), f.mid(eq + 1)});
    }
    return out;
}

} // namespace

std::optional<MtaStsRecord> MtaStsRecord::parse(const QList<QByteArray>& txtRecords, QString* error)
{
    const QList<QByteArray> records = recordsOf(txtRecords, "v=STSv1");
    if (records.isEmpty()) {
        *error = tr("No TXT record starting with v=STSv1");
        return std::nullopt;
    }
    if (records.size() > 1) {
        *error = tr("%1 TXT records start with v=STSv1; exactly one is allowed").arg(records.size());
        return std::nullopt;
    }
    bool ok = false;
    const auto list = fields(records.first(), &ok);
    if (!ok || list.isEmpty() || list.first().first != "v") {
        *error =
            tr("The record is not a list of key=value fields: %1").arg(QString::fromLatin1(records.first()));
        return std::nullopt;
    }
    static const QRegularExpression idSyntax(QStringLiteral("^[A-Za-z0-9]{1,32}$"));
    MtaStsRecord record;
    bool haveId = false;
    for (const auto& [key, value] : list) {
        if (key == "id") {
            record.id = QString::fromLatin1(value);
            haveId = idSyntax.match(record.id).hasMatch();
            if (!haveId) {
                *error = tr("id=%1 is not 1 to 32 letters and digits").arg(record.id);
                return std::nullopt;
            }
        }
    }
    if (!haveId) {
        *error = tr("The record has no id field");
        return std::nullopt;
    }
    return record;
}

std::optional<MtaStsPolicy> MtaStsPolicy::parse(const QByteArray& text, QString* error)
{
    MtaStsPolicy policy;
    bool haveVersion = false;
    bool haveMode = false;
    bool haveMaxAge = false;
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,10}$"));
    static const QRegularExpression mxSyntax(
        QStringLiteral("^(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]{"
                       "0,61}[A-Za-z0-9])?$"));
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        QByteArray line = lines.at(n);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            *error = tr("Line %1 is not \"key: value\": %2").arg(n + 1).arg(QString::fromUtf8(line.left(80)));
            return std::nullopt;
        }
        const QByteArray key = line.left(colon).trimmed();
        const QString value = QString::fromUtf8(line.mid(colon + 1).trimmed());
        if (key == "version") {
            if (value != QLatin1String("STSv1")) {
                *error = tr("version is \"%1\", not STSv1").arg(value);
                return std::nullopt;
            }
            haveVersion = true;
        } else if (key == "mode") {
            if (value == QLatin1String("enforce"))
                policy.mode = Mode::Enforce;
            else if (value == QLatin1String("testing"))
                policy.mode = Mode::Testing;
            else if (value == QLatin1String("none"))
                policy.mode = Mode::None;
            else {
                *error = tr("mode is \"%1\", not enforce, testing or none").arg(value);
                return std::nullopt;
            }
            haveMode = true;
        } else if (key == "max_age") {
            if (!digits.match(value).hasMatch() || value.toLongLong() > 31557600) {
                *error = tr("max_age \"%1\" is not a number of seconds up to 31557600").arg(value);
                return std::nullopt;
            }
            policy.maxAge = value.toLongLong();
            haveMaxAge = true;
        } else if (key == "mx") {
            if (!mxSyntax.match(value).hasMatch()) {
                *error = tr("mx \"%1\" is not a host name or *.domain pattern").arg(value);
                return std::nullopt;
            }
            policy.mx.append(value.toLower());
        }
        // Other keys are extensions: ignored (RFC 8461 s.3.2).
    }
    if (!haveVersion || !haveMode || !haveMaxAge) {
        QStringList missing;
        if (!haveVersion)
            missing << QStringLiteral("version");
        if (!haveMode)
            missing << QStringLiteral("mode");
        if (!haveMaxAge)
            missing << QStringLiteral("max_age");
        *error = tr("The policy lacks %1").arg(missing.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (policy.mode != Mode::None && policy.mx.isEmpty()) {
        *error = tr("The policy names no mx; every mode but none needs at least one");
        return std::nullopt;
    }
    return policy;
}

bool MtaStsPolicy::mxMatches(const QString& pattern, const QString& host)
{
    const QString p = pattern.toLower();
    QString h = host.toLower();
    if (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    if (p.startsWith(QLatin1String("*."))) {
        const qsizetype dot = h.indexOf(QLatin1Char('.'));
        return dot > 0 && h.mid(dot) == p.mid(1);
    }
    return p == h;
}

bool MtaStsPolicy::allowsMx(const QString& host) const
{
    return std::any_of(mx.cbegin(), mx.cend(), [&host](const QString& p) { return mxMatches(p, host); });
}

QString MtaStsPolicy::toKey(Mode mode)
{
    switch (mode) {
    case Mode::Enforce:
        return QStringLiteral("enforce");
    case Mode::Testing:
        return QStringLiteral("testing");
    case Mode::None:
        break;
    }
    return QStringLiteral("none");
}

std::optional<TlsRptRecord> TlsRptRecord::parse(const QList<QByteArray>& txtRecords, QString* error)
{
    const QList<QByteArray> records = recordsOf(txtRecords, "v=TLSRPTv1");
    if (records.isEmpty()) {
        *error = tr("No TXT record starting with v=TLSRPTv1");
        return std::nullopt;
    }
    if (records.size() > 1) {
        *error = tr("%1 TXT records start with v=TLSRPTv1; exactly one is allowed").arg(records.size());
        return std::nullopt;
    }
    bool ok = false;
    const auto list = fields(records.first(), &ok);
    if (!ok) {
        *error =
            tr("The record is not a list of key=value fields: %1").arg(QString::fromLatin1(records.first()));
        return std::nullopt;
    }
    TlsRptRecord record;
    bool haveRua = false;
    for (const auto& [key, value] : list) {
        if (key != "rua")
            continue;
        haveRua = true;
        // rua = one or more URIs separated by "," (RFC 8460 s.3): mailto: or https:.
        for (const QByteArray& part : value.split(',')) {
            const QString uri = QString::fromLatin1(part.trimmed());
            const QUrl url(uri, QUrl::StrictMode);
            const bool mailto =
                url.scheme() == QLatin1String("mailto") && url.path().contains(QLatin1Char('@'));
            const bool https = url.scheme() == QLatin1String("https") && !url.host().isEmpty();
            if (!url.isValid() || !(mailto || https)) {
                *error = tr("rua \"%1\" is not a mailto: or https: address").arg(uri);
                return std::nullopt;
            }
            record.rua.append(uri);
        }
    }
    if (!haveRua || record.rua.isEmpty()) {
        *error = tr("The record has no rua field (where reports go)");
        return std::nullopt;
    }
    return record;
}

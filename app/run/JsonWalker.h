#pragma once

#include "ReportReader.h"

#include <cmath>
#include <optional>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QStringList>

/// What the report readers (ReportReader, DomainReportReader) share: a bounded walk of a parsed
/// JSON document that names the place of the first problem ("mx[1].runs[0].report.steps[2]...").
namespace json {

inline QString tr(const char* text) { return QCoreApplication::translate("ReportReader", text); }

/// Integers beyond 2^53 do not survive a JSON number (a double) exactly.
inline constexpr qint64 MaxExact = qint64(1) << 53;

/**
 * Walks the document with a path for messages. The first problem wins: afterwards every accessor
 * returns an empty value, so the caller reads straight through and checks failed() once.
 */
class Walker
{
public:
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const QString& path, const QString& problem)
    {
        if (m_error.isEmpty())
            m_error = path.isEmpty() ? problem : QStringLiteral("%1: %2").arg(path, problem);
    }

    static QString at(const QString& path, const char* key)
    {
        return path.isEmpty() ? QString::fromLatin1(key) : path + QLatin1Char('.') + QLatin1String(key);
    }
    static QString at(const QString& path, qsizetype index)
    {
        return QStringLiteral("%1[%2]").arg(path, QString::number(index));
    }
    /// A key of the document itself (a TLS version), clipped: it is only there to point.
    static QString at(const QString& path, const char* key, const QString& documentKey)
    {
        return at(path, key) + QLatin1Char('.') + documentKey.left(40);
    }

    /// The member `key`; Undefined (and an error when `required`) if it is missing.
    QJsonValue member(const QJsonObject& o, const QString& path, const char* key, bool required = true)
    {
        if (failed())
            return {};
        const auto it = o.constFind(QLatin1String(key));
        if (it == o.constEnd()) {
            if (required)
                fail(at(path, key), tr("missing"));
            return QJsonValue::Undefined;
        }
        return *it;
    }

    QString string(const QJsonObject& o, const QString& path, const char* key, bool required = true)
    {
        const QJsonValue v = member(o, path, key, required);
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            fail(at(path, key), tr("expected a string"));
            return {};
        }
        return v.toString();
    }

    qint64 integer(const QJsonObject& o, const QString& path, const char* key, qint64 min, qint64 max,
                   bool required = true)
    {
        const QJsonValue v = member(o, path, key, required);
        if (v.isUndefined())
            return 0;
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d) || std::trunc(d) != d || d < double(min) || d > double(max)) {
            fail(at(path, key), tr("expected a whole number from %1 to %2").arg(min).arg(max));
            return 0;
        }
        return v.toInteger();
    }

    bool boolean(const QJsonObject& o, const QString& path, const char* key, bool required = true)
    {
        const QJsonValue v = member(o, path, key, required);
        if (v.isUndefined())
            return false;
        if (!v.isBool()) {
            fail(at(path, key), tr("expected true or false"));
            return false;
        }
        return v.toBool();
    }

    QJsonArray array(const QJsonObject& o, const QString& path, const char* key, bool required = true)
    {
        const QJsonValue v = member(o, path, key, required);
        if (v.isUndefined())
            return {};
        if (!v.isArray()) {
            fail(at(path, key), tr("expected an array"));
            return {};
        }
        const QJsonArray a = v.toArray();
        if (a.size() > ReportReader::MaxItems) {
            fail(at(path, key), tr("more than %1 entries").arg(ReportReader::MaxItems));
            return {};
        }
        return a;
    }

    /// An object member; nullopt when it is null (or absent and not required).
    std::optional<QJsonObject> object(const QJsonObject& o, const QString& path, const char* key,
                                      bool required = true, bool nullable = false)
    {
        const QJsonValue v = member(o, path, key, required);
        if (v.isUndefined() || (nullable && v.isNull()))
            return std::nullopt;
        return asObject(v, at(path, key));
    }

    std::optional<QJsonObject> asObject(const QJsonValue& v, const QString& path)
    {
        if (failed())
            return std::nullopt;
        if (!v.isObject()) {
            fail(path, tr("expected an object"));
            return std::nullopt;
        }
        const QJsonObject o = v.toObject();
        if (o.size() > ReportReader::MaxItems) {
            fail(path, tr("more than %1 entries").arg(ReportReader::MaxItems));
            return std::nullopt;
        }
        return o;
    }

    QStringList stringList(const QJsonValue& v, const QString& path)
    {
        if (failed())
            return {};
        if (!v.isArray() || v.toArray().size() > ReportReader::MaxItems) {
            fail(path, v.isArray() ? tr("more than %1 entries").arg(ReportReader::MaxItems)
                                   : tr("expected an array of strings"));
            return {};
        }
        QStringList out;
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString()) {
                fail(at(path, i), tr("expected a string"));
                return {};
            }
            out.append(a.at(i).toString());
        }
        return out;
    }

    QStringList strings(const QJsonObject& o, const QString& path, const char* key, bool required = true)
    {
        const QJsonValue v = member(o, path, key, required);
        return v.isUndefined() ? QStringList() : stringList(v, at(path, key));
    }

    /// An object of strings ("TLSv1.2": "accepted").
    QMap<QString, QString> stringMap(const QJsonObject& o, const QString& path, const char* key,
                                     bool required = true)
    {
        QMap<QString, QString> out;
        const std::optional<QJsonObject> map = object(o, path, key, required);
        if (!map)
            return out;
        for (auto it = map->constBegin(); it != map->constEnd() && !failed(); ++it) {
            if (!it.value().isString())
                fail(at(path, key, it.key()), tr("expected a string"));
            out.insert(it.key(), it.value().toString());
        }
        return out;
    }

    /// An object of string arrays ("TLSv1.2": ["ECDHE-...", ...]).
    QMap<QString, QStringList> stringListMap(const QJsonObject& o, const QString& path, const char* key,
                                             bool required = true)
    {
        QMap<QString, QStringList> out;
        const std::optional<QJsonObject> map = object(o, path, key, required);
        if (!map)
            return out;
        for (auto it = map->constBegin(); it != map->constEnd() && !failed(); ++it)
            out.insert(it.key(), stringList(it.value(), at(path, key, it.key())));
        return out;
    }

    template<typename E>
    E enumeration(const QJsonObject& o, const QString& path, const char* key,
                  std::optional<E> (*fromString)(const QString&))
    {
        const QString text = string(o, path, key);
        if (failed())
            return E {};
        const std::optional<E> value = fromString(text);
        if (!value) {
            fail(at(path, key), tr("unknown value \"%1\"").arg(text.left(40)));
            return E {};
        }
        return *value;
    }

    /// An ISO 8601 time; "" is "not known" (an invalid QDateTime).
    QDateTime time(const QJsonObject& o, const QString& path, const char* key)
    {
        const QString text = string(o, path, key);
        if (failed() || text.isEmpty())
            return {};
        const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!t.isValid()) {
            fail(at(path, key), tr("not an ISO 8601 time: \"%1\"").arg(text.left(40)));
            return {};
        }
        return t.toUTC();
    }

private:
    QString m_error;
};

/// Size, nesting and syntax, checked before anything inside is looked at: the document's top-level
/// object, or nullopt with the first problem in `error`.
std::optional<QJsonObject> parseBounded(const QByteArray& json, qint64 maxBytes, int maxDepth,
                                        QString* error);

/// The bytes of a regular file of at most `maxBytes` (a FIFO or a device is refused, not read), or
/// nullopt with a message naming `path` in `error`.
std::optional<QByteArray> readBounded(const QString& path, qint64 maxBytes, QString* error);

/// Whether a report's findings carry the step that produced them (a run's do, a domain's do not).
enum class FindingStep
{
    Read,
    Ignore,
};

/// A "findings" array as ReportJson and DomainReportJson write it.
QList<Finding> readFindings(Walker& w, const QJsonArray& a, const QString& path, FindingStep step);

} // namespace json

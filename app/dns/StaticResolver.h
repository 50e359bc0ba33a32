#pragma once

#include "Resolver.h"

#include <QHash>
#include <QSet>

/**
 * A resolver that answers from a table filled in advance: the demo's mail domain (`demo.test`,
 * pointing at the built-in demo server) and unit tests. A name and type not in the table is
 * NXDOMAIN when no record of any type exists at the name, else NODATA; both insecure.
 */
class StaticResolver final : public Resolver
{
    Q_OBJECT

public:
    explicit StaticResolver(QObject* parent = nullptr);
    void add(const DnsAnswer& answer);
    /// Convenience: records at `name` (the answer's name and type are set from the arguments).
    void add(const QString& name, DnsType type, DnsAnswer answer);
    void lookup(const QString& name, DnsType type, QObject* context, Callback done) override;
    /// How many lookups were asked (tests assert the walk asks what it needs).
    int lookupCount() const { return m_lookups; }

private:
    static QString key(const QString& name, DnsType type);
    QHash<QString, DnsAnswer> m_answers;
    QSet<QString> m_names;
    int m_lookups = 0;
};

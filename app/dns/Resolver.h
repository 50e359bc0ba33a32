#pragma once

#include "DnsTypes.h"

#include <functional>
#include <QObject>
#include <QPointer>

/**
 * A validating DNS resolver behind a small seam: the domain check asks for records of one type
 * at one name and gets the records with their DNSSEC status (QDnsLookup in Qt 6.4 has neither
 * TLSA nor DNSSEC status). UnboundResolver is the real one (libunbound on the event loop);
 * StaticResolver answers from a table (the demo's mail domain, unit tests).
 *
 * Answers arrive asynchronously on the event loop, never from inside lookup(). A callback whose
 * `context` was destroyed meanwhile is not called.
 */
class Resolver : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const DnsAnswer&)>;
    explicit Resolver(QObject* parent = nullptr)
        : QObject(parent)
    {
    }
    /// `name` without a trailing dot. Calls `done` once, later, unless `context` is gone.
    virtual void lookup(const QString& name, DnsType type, QObject* context, Callback done) = 0;
    /// An error that makes every lookup fail (a bad --dns-server, an unreadable trust anchor);
    /// empty when the resolver is usable.
    virtual QString setupError() const { return {}; }
};

#pragma once

#include "Run.h"

#include <QByteArray>
#include <QJsonObject>

/// Renders a Run as the JSON report, schema version 1 (ARCHITECTURE.md, "Headless interface").
class ReportJson final
{
public:
    static constexpr int SchemaVersion = 1;
    static QJsonObject toObject(const Run& run);
    static QByteArray toJson(const Run& run);
};

// Proleptic Gregorian calendar arithmetic, without time zones or the C library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace neuralake::civil {

// Days since 1970-01-01 of a calendar date, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);

// Parses "YYYY-MM-DD" at the start of `text`; false if malformed or invalid.
bool parse_ymd(std::string_view text, int& y, int& m, int& d);
// Parses a date or date-time with optional fraction and zone into UTC micros.
bool parse_timestamp_micros(std::string_view text, int64_t& micros);

std::string format_date(int64_t days);                 // 2024-01-02
std::string format_time_of_day(int64_t micros);        // 13:45:00 or 13:45:00.250
std::string format_timestamp_micros(int64_t micros);   // 2024-01-02 13:45:00[.ffffff]

}  // namespace neuralake::civil

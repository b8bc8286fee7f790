using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Walks a JSON document against the C# type it will bind to and collects every unknown field, missing required
/// field, wrong JSON kind and unknown enum or <c>format</c> value, each with its JSON path. System.Text.Json stops
/// at the first problem and words it for programmers; this reports all of them in the words of the recipe.
/// </summary>
internal static class JsonShapeChecker
{
    // NullabilityInfoContext is not thread-safe (its cache is a plain dictionary), and recipes are loaded from several
    // threads at once (serve --parallel, tests): one context per thread.
    [ThreadStatic]
    private static NullabilityInfoContext? _nullability;

    private static NullabilityInfoContext Nullability => _nullability ??= new NullabilityInfoContext();

    public static void Check(JsonElement element, Type type, string path, List<RecipeProblem> problems, bool nullable = false)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (!nullable && Nullable.GetUnderlyingType(type) is null)
                problems.Add(new(path, $"expected {Describe(type)}, received null."));
            return;
        }
        type = Nullable.GetUnderlyingType(type) ?? type;

        if (type == typeof(string))
            Expect(element, JsonValueKind.String, "a string", path, problems);
        else if (type == typeof(bool))
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                problems.Add(new(path, $"expected true or false, received {Received(element)}."));
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value) || (type == typeof(int) && value is < int.MinValue or > int.MaxValue))
                problems.Add(new(path, $"expected an integer, received {Received(element)}."));
        }
        else if (type == typeof(double) || type == typeof(float))
            Expect(element, JsonValueKind.Number, "a number", path, problems);
        else if (type.IsEnum)
        {
            var names = EnumNames(type);
            if (element.ValueKind != JsonValueKind.String || !names.Contains(element.GetString()!, StringComparer.OrdinalIgnoreCase))
                problems.Add(new(path, $"expected one of {string.Join(", ", names)}, received {Received(element)}."));
        }
        else if (ItemType(type) is Type item)
        {
            if (Expect(element, JsonValueKind.Array, "an array", path, problems))
            {
                var i = 0;
                foreach (var child in element.EnumerateArray())
                    Check(child, item, $"{path}[{i++}]", problems);
            }
        }
        else if (Expect(element, JsonValueKind.Object, "an object", path, problems))
            CheckObject(element, ConcreteType(element, type, path, problems), path, problems);
    }

    private static void CheckObject(JsonElement element, Type? type, string path, List<RecipeProblem> problems)
    {
        if (type is null)
            return;
        // The polymorphic base may sit more than one level up (AutoencoderOptions : DenseLayerOptions : LayerOptions).
        var discriminator = Ancestors(type).Select(t => t.GetCustomAttribute<JsonPolymorphicAttribute>()?.TypeDiscriminatorPropertyName).FirstOrDefault(n => n is not null);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(JsonName, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            var childPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (member.Name == discriminator)
                continue;
            if (!properties.TryGetValue(member.Name, out var property))
            {
                problems.Add(new(childPath, $"unknown field; allowed fields here are {string.Join(", ", properties.Keys.Where(k => !k.StartsWith('$')))}."));
                continue;
            }
            seen.Add(member.Name);
            var isNullable = Nullability.Create(property).WriteState == NullabilityState.Nullable;
            Check(member.Value, property.PropertyType, childPath, problems, isNullable);
        }
        foreach (var (name, property) in properties)
        {
            if (!seen.Contains(name) && IsRequired(property))
                problems.Add(new(path.Length == 0 ? name : $"{path}.{name}", $"required field is missing ({Describe(property.PropertyType)})."));
        }
    }

    private static IEnumerable<Type> Ancestors(Type type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
            yield return current;
    }

    /// <summary>For a polymorphic base type, the derived type its discriminator names; otherwise the type itself.</summary>
    private static Type? ConcreteType(JsonElement element, Type type, string path, List<RecipeProblem> problems)
    {
        var polymorphic = type.GetCustomAttribute<JsonPolymorphicAttribute>();
        if (polymorphic?.TypeDiscriminatorPropertyName is not string key)
            return type;
        var derived = type.GetCustomAttributes<JsonDerivedTypeAttribute>().ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType);
        var keyPath = path.Length == 0 ? key : $"{path}.{key}";
        if (!element.TryGetProperty(key, out var value))
        {
            problems.Add(new(keyPath, $"required field is missing; expected one of {string.Join(", ", derived.Keys)}."));
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && derived.TryGetValue(value.GetString()!, out var concrete))
            return concrete;
        problems.Add(new(keyPath, $"expected one of {string.Join(", ", derived.Keys)}, received {Received(value)}."));
        return null;
    }

    // Matched by name: ScottPlot ships its own polyfill of RequiredMemberAttribute, so the type is ambiguous here.
    private static bool IsRequired(PropertyInfo property) =>
        property.GetCustomAttributes().Any(a => a.GetType().FullName == "System.Runtime.CompilerServices.RequiredMemberAttribute");

    private static bool Expect(JsonElement element, JsonValueKind kind, string what, string path, List<RecipeProblem> problems)
    {
        if (element.ValueKind == kind)
            return true;
        problems.Add(new(path, $"expected {what}, received {Received(element)}."));
        return false;
    }

    private static Type? ItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
            return null;
        if (type.IsArray)
            return type.GetElementType();
        return type.IsGenericType ? type.GetGenericArguments()[0] : null;
    }

    internal static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    internal static IReadOnlyList<string> EnumNames(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(f.Name))
            .ToArray();

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(int) || type == typeof(long)) return "an integer";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", EnumNames(type))}";
        return ItemType(type) is null ? "an object" : "an array";
    }

    private static string Received(JsonElement element)
    {
        var text = element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => element.GetRawText(),
        };
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}

<?php
/**
 * Prints, as JSON, the signature of everything the extension exports: from the loaded extension,
 * or with `--stubs` from the stubs in php-stubs/ (mindbox.php loads them all). The parity test
 * runs it both ways and compares.
 */

declare(strict_types=1);

if (in_array('--stubs', $argv, true)) {
    if (extension_loaded('mindbox')) {
        fwrite(STDERR, "run --stubs without the extension loaded\n");
        exit(2);
    }
    $stubs = realpath(__DIR__ . '/../../php-stubs');
    require $stubs . '/mindbox.php';
    $isStub = static fn (string|false $file): bool => $file !== false && dirname($file) === $stubs;
    $classes = array_values(array_filter(
        array_merge(get_declared_classes(), get_declared_interfaces()),
        static fn (string $c): bool => $isStub((new ReflectionClass($c))->getFileName()),
    ));
    $functions = array_values(array_filter(
        get_defined_functions()['user'],
        static fn (string $f): bool => $isStub((new ReflectionFunction($f))->getFileName()),
    ));
} else {
    if (!extension_loaded('mindbox')) {
        fwrite(STDERR, "the mindbox extension is not loaded\n");
        exit(2);
    }
    $classes = array_keys((new ReflectionExtension('mindbox'))->getClasses());
    // Test hooks exist only in builds made for the tests.
    $functions = array_values(array_filter(
        array_keys((new ReflectionExtension('mindbox'))->getFunctions()),
        static fn (string $f): bool => !str_starts_with($f, 'mindbox_test_'),
    ));
}
sort($functions);

$type = static fn (?ReflectionType $t): ?string => $t === null ? null : (string) $t;

$model = [];
foreach ($classes as $name) {
    $class = new ReflectionClass($name);
    $methods = [];
    foreach ($class->getMethods() as $method) {
        // Methods inherited from \Exception are PHP's, not ours.
        if ($method->getDeclaringClass()->getName() !== $class->getName()) {
            continue;
        }
        $params = [];
        foreach ($method->getParameters() as $p) {
            $params[] = [
                'name' => $p->getName(),
                'type' => $type($p->getType()),
                'optional' => $p->isOptional(),
                'default' => $p->isDefaultValueAvailable() ? var_export($p->getDefaultValue(), true) : null,
                'byRef' => $p->isPassedByReference(),
                'variadic' => $p->isVariadic(),
                'attributes' => array_map(static fn (ReflectionAttribute $a): string => $a->getName(), $p->getAttributes()),
            ];
        }
        $methods[$method->getName()] = [
            'static' => $method->isStatic(),
            'visibility' => $method->isPublic() ? 'public' : ($method->isProtected() ? 'protected' : 'private'),
            'return' => $type($method->getReturnType()),
            'params' => $params,
        ];
    }
    ksort($methods);
    $props = [];
    foreach ($class->getProperties() as $prop) {
        if ($prop->getDeclaringClass()->getName() === $class->getName()) {
            $props[$prop->getName()] = $prop->isPublic() ? 'public' : ($prop->isProtected() ? 'protected' : 'private');
        }
    }
    ksort($props);
    $interfaces = $class->getInterfaceNames();
    sort($interfaces);
    $model[$name] = [
        'kind' => $class->isInterface() ? 'interface' : 'class',
        'final' => $class->isFinal(),
        'abstract' => $class->isAbstract() && !$class->isInterface(),
        'parent' => $class->getParentClass() ? $class->getParentClass()->getName() : null,
        'interfaces' => $interfaces,
        'methods' => $methods,
        'properties' => $props,
    ];
}
ksort($model);
$model['functions()'] = $functions;
echo json_encode($model, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
